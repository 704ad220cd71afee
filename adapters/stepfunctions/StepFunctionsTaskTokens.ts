import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { ResultAsync } from 'neverthrow';
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
export function isPassingFault(cause: unknown): boolean {
  const fault = cause as { name?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  if (fault === null || typeof fault !== 'object') return true;
  const status = typeof fault.$metadata?.httpStatusCode === 'number' ? fault.$metadata.httpStatusCode : undefined;
  const answered = fault.$fault === 'client' || fault.$fault === 'server' || status !== undefined;
  if (!answered) return true;
  if (fault.$fault === 'server' || (status !== undefined && status >= 500)) return true;
  return typeof fault.name === 'string' && PASSING_CLIENT_ERRORS.has(fault.name);
}

/**
 * Step Functions' SendTask* calls. `TaskTimedOut`, `InvalidToken` and `TaskDoesNotExist`
 * mean the token can never be used again (a token already used answers `TaskTimedOut`);
 * throttling, 5xx, network faults and expiring credentials pass (`TaskTokensUnavailable`: the
 * outcome is kept for the redrive); any other refusal is permanent (`TaskTokensRefused`).
 */
export class StepFunctionsTaskTokens implements TaskTokens {
  constructor(private readonly sfn: SFNClient) {}

  succeed(taskToken: string, output: string): ResultAsync<void, TaskTokenError> {
    return this.call(this.sfn.send(new SendTaskSuccessCommand({ taskToken, output })));
  }

  fail(taskToken: string, error: string, cause: string): ResultAsync<void, TaskTokenError> {
    return this.call(this.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })));
  }

  heartbeat(taskToken: string): ResultAsync<void, TaskTokenError> {
    return this.call(this.sfn.send(new SendTaskHeartbeatCommand({ taskToken })));
  }

  private call(request: Promise<unknown>): ResultAsync<void, TaskTokenError> {
    return ResultAsync.fromPromise(
      request.then(() => undefined),
      (cause): TaskTokenError => {
        const name = (cause as { name?: unknown } | null)?.name;
        if (typeof name === 'string' && GONE.has(name)) {
          return { type: 'TaskTokenGone', reason: name as TaskTokenGone['reason'], cause };
        }
        if (isPassingFault(cause)) return { type: 'TaskTokensUnavailable', cause };
        const message = (cause as { message?: unknown }).message;
        return { type: 'TaskTokensRefused', refusal: `${String(name)}: ${String(message ?? '')}`.slice(0, 1024), cause };
      },
    );
  }
}
