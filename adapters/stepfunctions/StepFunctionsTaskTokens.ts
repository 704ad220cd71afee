import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { ResultAsync } from 'neverthrow';
import type { TaskTokenError, TaskTokenGone, TaskTokens } from '../../application/ports/TaskTokens.js';

const GONE = new Set<string>(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/**
 * Step Functions' SendTask* calls. `TaskTimedOut`, `InvalidToken` and `TaskDoesNotExist`
 * mean the token can never be used again (a token already used answers `TaskTimedOut`);
 * every other failure — throttling, 5xx, network, credentials — is treated as passing,
 * so the outcome is kept for the redrive rather than dropped.
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
        return { type: 'TaskTokensUnavailable', cause };
      },
    );
  }
}
