import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { CallbackNotFound, CallbackNotInStatus } from '../../application/ports/CallbackMappings.js';
import type { CallbackChannel, CallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import type { CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import { isoSeconds } from '../../domain/shared/time.js';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';

/**
 * A planted bug (`--sabotage unconditional-claim`): the claim is no longer conditioned on
 * PENDING, as in seed 001's read-then-send design, so every duplicate delivery resumes again.
 * The run must report it; if it does not, the invariants are not checking anything.
 */
export class UnconditionalClaims extends InMemoryCallbackMappings {
  override accept(
    callbackToken: string,
    outcome: CallbackOutcome,
    at: Date,
    channel: CallbackChannel,
  ): ResultAsync<CallbackMapping, CallbackNotFound | CallbackNotInStatus> {
    return super.accept(callbackToken, outcome, at, channel).orElse((error) => {
      if (error.type !== 'CallbackNotInStatus') return errAsync(error);
      const current = error.current;
      return okAsync<CallbackMapping, CallbackNotFound | CallbackNotInStatus>({ ...current, status: 'ACCEPTED', outcome, acceptedAt: isoSeconds(at) });
    });
  }
}
