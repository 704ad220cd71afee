import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { ResultAsync } from 'neverthrow';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import type { TaskTokenError, TaskTokenGone, TaskTokens } from '../../application/ports/TaskTokens.js';

const GONE = new Set<string>(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** Client-side (4xx) answers that still pass: throttling, and credentials that refresh. */
const PASSING_CLIENT_ERRORS = new Set<string>([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'KmsThrottlingException',
  'ExpiredTokenException',
  'RequestExpired',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/**
 * Whether a failed call may pass by itself: network faults and timeouts (no service answer),
 * 5xx, throttling, expiring credentials. Any other answer from the service — AccessDenied,
 * KMS access, validation, InvalidOutput — is permanent: retrying it for days changes nothing.
 */
function isPassingFault(cause: unknown): boolean {
  const fault = cause as { name?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  if (fault === null || typeof fault !== 'object') return true;
  const status = typeof fault.$metadata?.httpStatusCode === 'number' ? fault.$metadata.httpStatusCode : undefined;
  const answered = fault.$fault === 'client' || fault.$fault === 'server' || status !== undefined;
  if (!answered) return true;
  if (fault.$fault === 'server' || (status !== undefined && status >= 500)) return true;
  return typeof fault.name === 'string' && PASSING_CLIENT_ERRORS.has(fault.name);
}

/**
 * Whether a failed attempt may have reached Step Functions and taken effect: it ended without
 * an answer (our request timeout, a dropped connection) or with a 5xx. A 4xx answer (throttling,
 * a refusal) says the call was not applied.
 */
function mayHaveTakenEffect(cause: unknown): boolean {
  const status = (cause as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status !== 'number' || status >= 500;
}

export interface StepFunctionsTaskTokensOptions {
  /** Where a resume taken without its answer is reported (see the class). */
  readonly log?: Log;
  readonly metrics?: Metrics;
}

/**
 * Step Functions' SendTask* calls. `TaskTimedOut`, `InvalidToken` and `TaskDoesNotExist`
 * mean the token can never be used again (a token already used answers `TaskTimedOut`);
 * throttling, 5xx, network faults and expiring credentials pass (`TaskTokensUnavailable`: the
 * outcome is kept for the redrive); any other refusal is permanent (`TaskTokensRefused`).
 *
 * **A resume whose answer was lost.** The SDK retries an attempt cut by our request timeout or
 * a dropped connection. If that attempt did reach Step Functions, the task is resumed, and the
 * retry finds the token closed: `TaskTimedOut`. So when SendTaskSuccess/Failure ends in a
 * "token gone" answer after an attempt of the same call that may have taken effect, the call is
 * reported as taken (`ok`), with a warning and the `CallbacksResumeUnconfirmed` metric: only
 * this call can close a token Baton holds (the claim lets one resumer through), so the workflow
 * was resumed once, with this outcome — or the task had timed out in those same seconds, and
 * the workflow's own timeout settled it. Answering EXPIRED / 410 would be wrong in the first
 * case; taking it as resumed is wrong only in the second, where nothing is left to do. Never
 * a second resume: Step Functions refuses every call after the first. A heartbeat cannot close
 * a token, so its "gone" always means gone.
 *
 * The memory outlives one call within this process: when every attempt of a call went
 * unanswered (it ends `TaskTokensUnavailable`), the token is remembered, so the caller's own
 * retry that then finds it closed (the worker's report loop with `TASK_TOKEN`, the redrive's
 * next run in the same warm container) is taken as resumed too, as the Python worker does for
 * a whole report. A heartbeat that gets through forgets it (the token was open, so the send
 * did not land). Only tokens with such an attempt are kept, the last {@link REMEMBERED_TOKENS}.
 */
export class StepFunctionsTaskTokens implements TaskTokens {
  /** Tokens a call of this process may have closed without hearing the answer (oldest first). */
  private readonly mayHaveResumed = new Set<string>();

  constructor(
    private readonly sfn: SFNClient,
    private readonly options: StepFunctionsTaskTokensOptions = {},
  ) {}

  succeed(taskToken: string, output: string): ResultAsync<void, TaskTokenError> {
    const command = new SendTaskSuccessCommand({ taskToken, output });
    const attempts = watchAttempts(this.mayHaveResumed.has(taskToken));
    command.middlewareStack.add(attempts.middleware, WATCH_ATTEMPTS);
    return this.call(this.sfn.send(command), taskToken, attempts);
  }

  fail(taskToken: string, error: string, cause: string): ResultAsync<void, TaskTokenError> {
    const command = new SendTaskFailureCommand({ taskToken, error, cause });
    const attempts = watchAttempts(this.mayHaveResumed.has(taskToken));
    command.middlewareStack.add(attempts.middleware, WATCH_ATTEMPTS);
    return this.call(this.sfn.send(command), taskToken, attempts);
  }

  heartbeat(taskToken: string): ResultAsync<void, TaskTokenError> {
    // A heartbeat cannot close the token: its "gone" always means gone.
    return this.call(this.sfn.send(new SendTaskHeartbeatCommand({ taskToken })), taskToken, { unanswered: false });
  }

  private call(request: Promise<unknown>, taskToken: string, attempts: { readonly unanswered: boolean }): ResultAsync<void, TaskTokenError> {
    const sent = request.then(
      () => {
        this.mayHaveResumed.delete(taskToken);
      },
      (cause: unknown) => {
        const reason = goneReason(cause);
        if (reason === undefined || !attempts.unanswered) {
          if (reason === undefined && attempts.unanswered) this.remember(taskToken);
          throw cause;
        }
        this.mayHaveResumed.delete(taskToken);
        this.options.log?.warn('Step Functions answer was lost; the retry found the token closed: taken as resumed', {
          task_token: taskToken,
          reason,
        });
        this.options.metrics?.count('CallbacksResumeUnconfirmed');
        return undefined;
      },
    );
    return ResultAsync.fromPromise(sent, (cause): TaskTokenError => {
      const reason = goneReason(cause);
      if (reason !== undefined) return { type: 'TaskTokenGone', reason, cause };
      if (isPassingFault(cause)) return { type: 'TaskTokensUnavailable', cause, ...(attempts.unanswered ? { unanswered: true } : {}) };
      const fault = cause as { name?: unknown; message?: unknown };
      return { type: 'TaskTokensRefused', refusal: `${String(fault.name)}: ${String(fault.message ?? '')}`.slice(0, 1024), cause };
    });
  }

  private remember(taskToken: string): void {
    this.mayHaveResumed.delete(taskToken);
    this.mayHaveResumed.add(taskToken);
    if (this.mayHaveResumed.size > REMEMBERED_TOKENS) this.mayHaveResumed.delete(this.mayHaveResumed.values().next().value!);
  }
}

/** How many tokens with an unanswered resume one process remembers (a worker holds one; a Lambda a few). */
const REMEMBERED_TOKENS = 64;

function goneReason(cause: unknown): TaskTokenGone['reason'] | undefined {
  const name = (cause as { name?: unknown } | null)?.name;
  return typeof name === 'string' && GONE.has(name) ? (name as TaskTokenGone['reason']) : undefined;
}

/** The deserialize step runs once per attempt, inside the SDK's retry loop: it sees each attempt's fault. */
const WATCH_ATTEMPTS = { step: 'deserialize', priority: 'high', name: 'batonUnansweredAttempts' } as const;

/** Remembers whether an attempt of one call may have taken effect without its answer reaching us. */
function watchAttempts(unanswered: boolean) {
  const watch = {
    unanswered,
    middleware:
      <A, R>(next: (args: A) => Promise<R>) =>
      async (args: A): Promise<R> => {
        try {
          return await next(args);
        } catch (fault) {
          if (mayHaveTakenEffect(fault)) watch.unanswered = true;
          throw fault;
        }
      },
  };
  return watch;
}
