import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type {
  CallbackMappings,
  CallbackNotFound,
  CallbackNotInStatus,
  CallbackTokenTaken,
} from '../../application/ports/CallbackMappings.js';
import {
  accept,
  reportableThrough,
  type CallbackChannel,
  type CallbackMapping,
} from '../../domain/callbacks/CallbackMapping.js';
import type { CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';

/**
 * Callback mappings in a Map, with the same conditional-write semantics as the DynamoDB
 * adapter (the contract suite runs both). Every call is atomic, as one DynamoDB write is.
 * The redrive's sparse index is kept as DynamoDB keeps the GSI — only ACCEPTED mappings are
 * in it — so `acceptedBefore` costs what is due, not the size of the table.
 */
export class InMemoryCallbackMappings implements CallbackMappings {
  private readonly items = new Map<string, CallbackMapping>();
  private readonly leases = new Map<string, number>();
  /** Token → acceptedAt (ms) of every ACCEPTED mapping: the `redrive` index. */
  private readonly redriveIndex = new Map<string, number>();
  /** Calls made, by method: the simulation and tests count storage round trips. */
  readonly calls = { create: 0, recordJobId: 0, discardPending: 0, accept: 0, finish: 0, find: 0, acceptedBefore: 0, lease: 0 };

  create(mapping: CallbackMapping): ResultAsync<void, CallbackTokenTaken> {
    this.calls.create += 1;
    if (this.items.has(mapping.callbackToken)) {
      return errAsync({ type: 'CallbackTokenTaken', callbackToken: mapping.callbackToken });
    }
    this.items.set(mapping.callbackToken, mapping);
    return okAsync(undefined);
  }

  recordJobId(callbackToken: string, jobId: string): ResultAsync<void, CallbackNotFound> {
    this.calls.recordJobId += 1;
    const current = this.items.get(callbackToken);
    if (!current) return errAsync({ type: 'CallbackNotFound', callbackToken });
    this.items.set(callbackToken, { ...current, jobId });
    return okAsync(undefined);
  }

  discardPending(callbackToken: string): ResultAsync<void, never> {
    this.calls.discardPending += 1;
    if (this.items.get(callbackToken)?.status === 'PENDING') this.items.delete(callbackToken);
    return okAsync(undefined);
  }

  accept(
    callbackToken: string,
    outcome: CallbackOutcome,
    at: Date,
    channel: CallbackChannel,
  ): ResultAsync<CallbackMapping, CallbackNotFound | CallbackNotInStatus> {
    this.calls.accept += 1;
    const current = this.items.get(callbackToken);
    if (!current || !reportableThrough(current, channel)) return errAsync({ type: 'CallbackNotFound', callbackToken });
    const next = accept(current, outcome, at);
    if (next.isErr()) return errAsync({ type: 'CallbackNotInStatus', current });
    this.items.set(callbackToken, next.value);
    this.redriveIndex.set(callbackToken, at.getTime() - (at.getTime() % 1000));
    return okAsync(next.value);
  }

  finish(mapping: CallbackMapping): ResultAsync<void, CallbackNotFound | CallbackNotInStatus> {
    this.calls.finish += 1;
    const current = this.items.get(mapping.callbackToken);
    if (!current) return errAsync({ type: 'CallbackNotFound', callbackToken: mapping.callbackToken });
    if (current.status !== 'ACCEPTED') return errAsync({ type: 'CallbackNotInStatus', current });
    this.items.set(mapping.callbackToken, { ...current, ...mapping });
    this.leases.delete(mapping.callbackToken);
    this.redriveIndex.delete(mapping.callbackToken);
    return okAsync(undefined);
  }

  find(callbackToken: string): ResultAsync<CallbackMapping | undefined, never> {
    this.calls.find += 1;
    return okAsync(this.items.get(callbackToken));
  }

  acceptedBefore(acceptedBy: Date, limit: number): ResultAsync<readonly string[], never> {
    this.calls.acceptedBefore += 1;
    const cutoff = acceptedBy.getTime();
    const due = [...this.redriveIndex.entries()]
      .filter(([, at]) => at <= cutoff)
      .sort(([ta, a], [tb, b]) => a - b || (ta < tb ? -1 : 1))
      .slice(0, limit)
      .map(([token]) => token);
    return okAsync(due);
  }

  lease(
    callbackToken: string,
    now: Date,
    until: Date,
  ): ResultAsync<CallbackMapping, CallbackNotFound | CallbackNotInStatus> {
    this.calls.lease += 1;
    const current = this.items.get(callbackToken);
    if (!current) return errAsync({ type: 'CallbackNotFound', callbackToken });
    const held = this.leases.get(callbackToken);
    if (current.status !== 'ACCEPTED' || (held !== undefined && held > now.getTime())) {
      return errAsync({ type: 'CallbackNotInStatus', current });
    }
    this.leases.set(callbackToken, until.getTime());
    return okAsync(current);
  }

  /** Every mapping, for assertions and the simulation's invariants. */
  all(): CallbackMapping[] {
    return [...this.items.values()];
  }
}
