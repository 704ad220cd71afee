import { err, ok, safeTry, type Result, type ResultAsync } from 'neverthrow';
import { classifyRepeat, type CallbackChannel, type CallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import type { CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import type { CallbackNotFound, CallbackNotInStatus } from '../ports/CallbackMappings.js';
import type { Ports } from '../ports/Ports.js';
import type { ResumeCallback, ResumeResult } from './ResumeCallback.js';

export interface CompleteCallbackInput {
  readonly callbackToken: string;
  readonly outcome: CallbackOutcome;
  /** How the report arrived; a mapping made for another channel is not found. */
  readonly channel: CallbackChannel;
}

export type CompleteCallbackAnswer =
  /** This report resumed the workflow. */
  | { readonly type: 'Resumed'; readonly mapping: CallbackMapping }
  /** A repeat of a report that already resumed the workflow. */
  | { readonly type: 'AlreadyFinished'; readonly mapping: CallbackMapping }
  /** The outcome is stored; Step Functions will be resumed by the redrive (or by a resume in flight). */
  | { readonly type: 'Deferred'; readonly mapping: CallbackMapping };

/** Step Functions will never take this outcome: the task timed out or its execution is gone. */
export interface CallbackGone {
  readonly type: 'CallbackGone';
  readonly mapping: CallbackMapping;
}

export type CompleteCallbackError = CallbackNotFound | CallbackGone;

/** What CompleteCallback is given: see {@link Ports} for the one name of each port. */
export type CompleteCallbackDeps = Pick<
  Ports,
  'mappings' | 'clock' | 'log' | 'metrics'
> & {
  readonly resumeCallback: ResumeCallback;
};

/**
 * The work reports its outcome: accept durably, then resume. One conditional write claims
 * the PENDING mapping and stores the outcome; only the delivery that wins the claim calls
 * Step Functions. A repeat costs exactly that one write and resumes nothing.
 *
 * @example
 * const answer = await completeCallback.execute({ callbackToken, outcome: successOutcome({ output }), channel: 'worker' });
 */
export class CompleteCallback {
  constructor(private readonly deps: CompleteCallbackDeps) {}

  execute(input: CompleteCallbackInput): ResultAsync<CompleteCallbackAnswer, CompleteCallbackError> {
    const { mappings, resumeCallback, clock, metrics } = this.deps;
    const lost = (error: CallbackNotFound | CallbackNotInStatus) => this.lost(input.callbackToken, error);
    return safeTry(async function* () {
      const claim = await mappings.accept(input.callbackToken, input.outcome, clock.now(), input.channel);
      // A lost claim is a fork, not a failure to pass on: a repeat is answered from the mapping as it is now.
      if (claim.isErr()) return lost(claim.error);
      metrics.count('CallbacksAccepted');
      const answer = yield* answerOf(await resumeCallback.execute(claim.value));
      return ok(answer);
    });
  }

  private lost(callbackToken: string, error: CallbackNotFound | CallbackNotInStatus): Result<CompleteCallbackAnswer, CompleteCallbackError> {
    if (error.type === 'CallbackNotInStatus') return this.repeated(error.current);
    this.deps.log.warn('Callback token not found in DynamoDB', { callback_token: callbackToken });
    this.deps.metrics.count('CallbacksUnknown');
    return err(error);
  }

  private repeated(current: CallbackMapping): Result<CompleteCallbackAnswer, CompleteCallbackError> {
    this.deps.metrics.count('CallbackDuplicates');
    if (current.status === 'PENDING') throw new Error('a PENDING mapping refused its claim');
    const log = this.deps.log.with({ job_id: current.jobId, exec_id: current.execId, callback_token: current.callbackToken });
    switch (classifyRepeat(current.status)) {
      case 'finished':
        log.info('Callback already completed, returning success', { status: current.status });
        return ok({ type: 'AlreadyFinished', mapping: current });
      case 'inProgress':
        log.info('Callback already accepted, resume in progress', { status: current.status });
        return ok({ type: 'Deferred', mapping: current });
      case 'gone':
        log.info('Task token expired for callback', { status: current.status });
        return err({ type: 'CallbackGone', mapping: current });
    }
  }
}

/** What the reporter is told of the resume its claim made. */
function answerOf(result: ResumeResult): Result<CompleteCallbackAnswer, CallbackGone> {
  switch (result.type) {
    case 'Resumed':
      return ok({ type: 'Resumed', mapping: result.mapping });
    case 'Deferred':
    // Refused: the outcome is held (REFUSED, visible and counted) for an operator; the
    // reporter can do nothing better than stop retrying.
    case 'Refused':
      return ok({ type: 'Deferred', mapping: result.mapping });
    case 'Gone':
      return err({ type: 'CallbackGone', mapping: result.mapping });
  }
}
