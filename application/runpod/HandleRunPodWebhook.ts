import { err, ok, safeTry, type Result, type ResultAsync } from 'neverthrow';
import { isCallbackToken } from '../../domain/callbacks/CallbackToken.js';
import { causeText, failureOutcome, successOutcome, type CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import { invalidField, type InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { CompleteCallback, CompleteCallbackAnswer, CompleteCallbackError } from '../callbacks/CompleteCallback.js';
import type { Ports } from '../ports/Ports.js';
import { validate } from '../shared/validate.js';
import { RunPodWebhookBodySchema, type RunPodWebhookBody } from './runPodWebhookBody.js';

export interface RunPodWebhookInput {
  /** From the path: `/webhook/{callback_token}`. */
  readonly callbackToken: unknown;
  /** The parsed JSON body. */
  readonly body: unknown;
}

export type HandleRunPodWebhookError = InvalidInput | CompleteCallbackError;

/** What HandleRunPodWebhook is given: see {@link Ports} for the one name of each port. */
export type HandleRunPodWebhookDeps = Pick<Ports, 'log'> & { readonly completeCallback: CompleteCallback };

/**
 * Seed 001, accept-then-resume: RunPod's report becomes a stored outcome in one conditional
 * write, then Step Functions is resumed. COMPLETED → SendTaskSuccess with RunPod's `output`;
 * FAILED, CANCELLED, TIMED_OUT → SendTaskFailure with the status as the error name and
 * RunPod's `error` as the cause.
 *
 * @example
 * await webhook.execute({ callbackToken: 'a1b2…', body: { id: 'job-123', status: 'COMPLETED', output: {} } });
 */
export class HandleRunPodWebhook {
  constructor(private readonly deps: HandleRunPodWebhookDeps) {}

  execute(input: RunPodWebhookInput): ResultAsync<CompleteCallbackAnswer, HandleRunPodWebhookError> {
    const { log, completeCallback } = this.deps;
    return safeTry(async function* () {
      const callbackToken = yield* callbackTokenOf(input.callbackToken);
      const body = yield* validate(RunPodWebhookBodySchema, input.body);
      log.info('Processing RunPod job', { job_id: body.id, status: body.status, callback_token: callbackToken });
      return await completeCallback.execute({ callbackToken, outcome: outcomeOf(body), channel: 'runpod' });
    });
  }
}

function callbackTokenOf(token: unknown): Result<string, InvalidInput> {
  return isCallbackToken(token) ? ok(token) : err(invalidField('callback_token', 'callback_token must be 64 lowercase hex characters'));
}

/** What Step Functions receives for a RunPod report. */
export function outcomeOf(body: RunPodWebhookBody): CallbackOutcome {
  if (body.status === 'COMPLETED') {
    return successOutcome({
      job_id: body.id,
      status: body.status,
      output: body.output ?? null,
      ...(body.delayTime === undefined ? {} : { delay_time_ms: body.delayTime }),
      ...(body.executionTime === undefined ? {} : { execution_time_ms: body.executionTime }),
    });
  }
  const error = body.error ?? body.output;
  const cause = error === undefined ? `RunPod job ${body.id} ${body.status}` : causeText(error);
  return failureOutcome(body.status, cause);
}
