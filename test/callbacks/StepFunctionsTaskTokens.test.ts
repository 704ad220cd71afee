import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { err, ok } from 'neverthrow';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFunctionsTaskTokens } from '../../adapters/stepfunctions/StepFunctionsTaskTokens.js';

const sfnMock = mockClient(SFNClient);
const tokens = new StepFunctionsTaskTokens(new SFNClient({ region: 'us-east-1' }));
const meta = { $metadata: {} };

describe('StepFunctionsTaskTokens', () => {
  beforeEach(() => sfnMock.reset());

  it('sends the exact SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat requests', async () => {
    sfnMock.onAnyCommand().resolves({});

    expect(await tokens.succeed('tok', '{"a":1}')).toEqual(ok(undefined));
    expect(await tokens.fail('tok', 'FAILED', 'Out of memory')).toEqual(ok(undefined));
    expect(await tokens.heartbeat('tok')).toEqual(ok(undefined));

    expect(sfnMock.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({ taskToken: 'tok', output: '{"a":1}' });
    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toEqual({
      taskToken: 'tok',
      error: 'FAILED',
      cause: 'Out of memory',
    });
    expect(sfnMock.commandCalls(SendTaskHeartbeatCommand)[0]!.args[0].input).toEqual({ taskToken: 'tok' });
  });

  it.each([
    ['TaskTimedOut', new TaskTimedOut({ message: "Provided task does not exist anymore", ...meta })],
    ['InvalidToken', new InvalidToken({ message: 'Invalid token', ...meta })],
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'gone', ...meta })],
  ])('translates %s into TaskTokenGone', async (reason, error) => {
    sfnMock.on(SendTaskSuccessCommand).rejects(error);

    expect(await tokens.succeed('tok', '{}')).toEqual(err({ type: 'TaskTokenGone', reason, cause: error }));
  });

  it.each([
    ['throttling', new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', ...meta })],
    ['a 5xx', new SFNServiceException({ name: 'ServiceUnavailable', $fault: 'server', ...meta })],
    ['a network error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('treats %s as passing (TaskTokensUnavailable), keeping the cause', async (_what, error) => {
    sfnMock.on(SendTaskFailureCommand).rejects(error);

    expect(await tokens.fail('tok', 'E', 'c')).toEqual(err({ type: 'TaskTokensUnavailable', cause: error }));
  });

  it.each([
    ['a missing IAM permission', new SFNServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'User is not authorized to perform: states:SendTaskSuccess', $metadata: { httpStatusCode: 400 } })],
    ['a validation error', new SFNServiceException({ name: 'ValidationException', $fault: 'client', message: '1 validation error detected', $metadata: { httpStatusCode: 400 } })],
    ['an output Step Functions refuses', new SFNServiceException({ name: 'InvalidOutput', $fault: 'client', message: 'Invalid output', $metadata: { httpStatusCode: 400 } })],
    ['a KMS key it may not use', new SFNServiceException({ name: 'KmsAccessDeniedException', $fault: 'client', message: 'no access', $metadata: { httpStatusCode: 400 } })],
  ])('treats %s as permanent (TaskTokensRefused), naming it', async (_what, error) => {
    sfnMock.on(SendTaskSuccessCommand).rejects(error);

    expect(await tokens.succeed('tok', '{}')).toEqual(
      err({ type: 'TaskTokensRefused', refusal: `${error.name}: ${error.message}`, cause: error }),
    );
  });

  it.each([
    ['ThrottlingException', 'client', 400],
    ['KmsThrottlingException', 'client', 400],
    ['ExpiredTokenException', 'client', 400],
    ['InternalServerError', 'server', 500],
    ['SomethingNew', 'client', 503],
  ] as const)('keeps %s (%s, %i) passing', async (name, fault, httpStatusCode) => {
    const error = new SFNServiceException({ name, $fault: fault, message: 'x', $metadata: { httpStatusCode } });
    sfnMock.on(SendTaskHeartbeatCommand).rejects(error);

    expect((await tokens.heartbeat('tok'))._unsafeUnwrapErr().type).toBe('TaskTokensUnavailable');
  });
});
