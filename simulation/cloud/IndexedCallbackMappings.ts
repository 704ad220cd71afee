import type { ResultAsync } from 'neverthrow';
import type { CallbackNotFound, CallbackNotInStatus } from '../../application/ports/CallbackMappings.js';
import type { CallbackChannel, CallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import type { CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { okAsync } from 'neverthrow';

/**
 * The in-memory mappings with the redrive's sparse index kept as DynamoDB keeps its GSI: only
 * ACCEPTED mappings are in it, so `acceptedBefore` costs what is due, not the whole table.
 * Without it a month-long simulation would spend its time scanning; semantics are unchanged
 * (every write still goes through the in-memory adapter).
 */
export class IndexedCallbackMappings extends InMemoryCallbackMappings {
  /** Token → acceptedAt (ms) of every ACCEPTED mapping. */
  private readonly index = new Map<string, number>();

  override accept(
    callbackToken: string,
    outcome: CallbackOutcome,
    at: Date,
    channel: CallbackChannel,
  ): ResultAsync<CallbackMapping, CallbackNotFound | CallbackNotInStatus> {
    return super.accept(callbackToken, outcome, at, channel).map((m) => {
      this.index.set(callbackToken, Date.parse(m.acceptedAt ?? at.toISOString()));
      return m;
    });
  }

  override finish(mapping: CallbackMapping): ResultAsync<void, CallbackNotFound | CallbackNotInStatus> {
    return super.finish(mapping).map(() => {
      this.index.delete(mapping.callbackToken);
    });
  }

  override acceptedBefore(acceptedBy: Date, limit: number): ResultAsync<readonly string[], never> {
    this.calls.acceptedBefore += 1;
    const cutoff = acceptedBy.getTime();
    const due = [...this.index.entries()]
      .filter(([, at]) => at <= cutoff)
      .sort(([ta, a], [tb, b]) => a - b || (ta < tb ? -1 : 1))
      .slice(0, limit)
      .map(([token]) => token);
    return okAsync(due);
  }
}
