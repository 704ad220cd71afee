import type { Result } from 'neverthrow';
import {
  resumed,
  resumeRefused,
  tokenGone,
  type CallbackMapping,
  type CallbackTransitionError,
} from '../../domain/callbacks/CallbackMapping.js';
import type { Ports } from '../ports/Ports.js';
import type { Log } from '../ports/Log.js';

/** What became of one attempt to hand an accepted outcome to Step Functions. */
export type ResumeResult =
  /** Step Functions took it; the mapping is COMPLETED or FAILED. */
  | { readonly type: 'Resumed'; readonly mapping: CallbackMapping }
  /** Step Functions refused the token for good; the mapping is EXPIRED. */
  | { readonly type: 'Gone'; readonly mapping: CallbackMapping; readonly reason: string }
  /** Step Functions is unavailable; the mapping stays ACCEPTED and the redrive will try again. */
  | { readonly type: 'Deferred'; readonly mapping: CallbackMapping }
  /**
   * Step Functions refused the call for a reason retrying cannot fix (AccessDenied, validation):
   * the mapping is REFUSED, the outcome and the refusal kept, out of the redrive.
   */
  | { readonly type: 'Refused'; readonly mapping: CallbackMapping; readonly refusal: string };

/** What ResumeCallback is given: see {@link Ports} for the one name of each port. */
export type ResumeCallbackDeps = Pick<Ports, 'mappings' | 'taskTokens' | 'clock' | 'log' | 'metrics'>;

/**
 * Sends an ACCEPTED mapping's stored outcome to Step Functions and records what happened.
 * Shared by the webhook (inline, right after the claim), the worker library, the redrive and
 * the reconciler, so all of them resume in exactly the same way.
 */
export class ResumeCallback {
  constructor(private readonly deps: ResumeCallbackDeps) {}

  async execute(mapping: CallbackMapping): Promise<ResumeResult> {
    const outcome = mapping.outcome;
    if (mapping.status !== 'ACCEPTED' || outcome === undefined) {
      throw new Error(`ResumeCallback needs an ACCEPTED mapping with an outcome, got ${mapping.status}`);
    }
    const log = this.deps.log.with({ job_id: mapping.jobId, exec_id: mapping.execId, callback_token: mapping.callbackToken });
    const sent =
      outcome.kind === 'success'
        ? await this.deps.taskTokens.succeed(mapping.taskToken, outcome.output)
        : await this.deps.taskTokens.fail(mapping.taskToken, outcome.error, outcome.cause);
    if (sent.isOk()) {
      if (outcome.kind === 'success') log.info('Sent TaskSuccess for job', { job_id: mapping.jobId });
      else log.info('Sent TaskFailure for job', { job_id: mapping.jobId, error: outcome.error });
      this.deps.metrics.count('CallbacksResumed');
      return { type: 'Resumed', mapping: await this.record(resumed(mapping, this.deps.clock.now())) };
    }
    const error = sent.error;
    switch (error.type) {
      case 'TaskTokensUnavailable':
        log.warn('Step Functions unavailable; outcome kept for redrive', { error: describe(error.cause) });
        this.deps.metrics.count('CallbacksDeferred');
        if (error.unanswered === true) await this.noteUnanswered(mapping, log);
        return { type: 'Deferred', mapping };
      case 'TaskTokensRefused':
        // Not the token, not passing: our permissions or our request. Retrying every minute
        // for days would change nothing and hide it; keep the outcome, say so loudly.
        log.error('Step Functions refused the resume; outcome kept, redrive stopped', { refusal: error.refusal });
        this.deps.metrics.count('CallbacksRefused');
        return {
          type: 'Refused',
          mapping: await this.record(resumeRefused(mapping, error.refusal, this.deps.clock.now())),
          refusal: error.refusal,
        };
      case 'TaskTokenGone':
        if (mapping.resumeUnansweredAt !== undefined) {
          // An earlier resume may have reached Step Functions unanswered (noted on the mapping):
          // the token it closed is the one now refused. Taken as resumed, as the adapter does
          // within one call (see StepFunctionsTaskTokens).
          log.warn('An earlier resume went unanswered and the token is now closed: taken as resumed', {
            reason: error.reason,
            unanswered_at: mapping.resumeUnansweredAt,
          });
          this.deps.metrics.count('CallbacksResumeUnconfirmed');
          return { type: 'Resumed', mapping: await this.record(resumed(mapping, this.deps.clock.now())) };
        }
        log.warn('Task token expired for callback', { callback_token: mapping.callbackToken, reason: error.reason });
        this.deps.metrics.count('CallbacksGone');
        return { type: 'Gone', mapping: await this.record(tokenGone(mapping, error.reason, this.deps.clock.now())), reason: error.reason };
    }
  }

  /**
   * Notes that this resume may have reached Step Functions, so a later resume (the redrive, in
   * any process) that finds the token closed takes it as resumed. Best effort: the outcome is
   * kept either way, and losing the note only leaves the old answer (EXPIRED) for that case.
   */
  private async noteUnanswered(mapping: CallbackMapping, log: Log): Promise<void> {
    try {
      await this.deps.mappings.noteUnansweredResume(mapping.callbackToken, this.deps.clock.now());
    } catch (fault) {
      log.warn('Could not note the unanswered resume', { error: describe(fault) });
    }
  }

  /**
   * Records the final status. Losing this write is harmless: another resumer finished it
   * first, or TTL removed it; either way Step Functions has already answered.
   */
  private async record(next: Result<CallbackMapping, CallbackTransitionError>): Promise<CallbackMapping> {
    // Every move recorded here leaves ACCEPTED, which the guard above checked.
    if (next.isErr()) throw new Error(`illegal callback transition ${next.error.event} from ${next.error.from}`);
    const final = next.value;
    const finished = await this.deps.mappings.finish(final);
    if (finished.isOk()) return final;
    const found = finished.error.type === 'CallbackNotInStatus' ? finished.error.current : undefined;
    this.deps.log.warn('Callback final state already recorded elsewhere', {
      callback_token: final.callbackToken,
      found: found?.status ?? 'missing',
    });
    return found ?? final;
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
