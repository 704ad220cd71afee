import { SFNClient } from '@aws-sdk/client-sfn';
import { err, ok } from 'neverthrow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { StepFunctionsTaskTokens } from '../../adapters/stepfunctions/StepFunctionsTaskTokens.js';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { ResumeCallback } from '../../application/callbacks/ResumeCallback.js';
import { isoSeconds } from '../../domain/shared/time.js';
import { aMapping, aSuccess, T0 } from './builders.js';
import { awsRequestHandler } from '../../entrypoints/aws/awsRequestHandler.js';
import { LOCAL_AWS } from '../support/dynamoDbLocal.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../support/fakeStepFunctions.js';

/**
 * A SendTask whose answer is lost (the connection drops, or Step Functions answers after our
 * request timeout) is retried by the SDK; the retry finds the token closed — by that first
 * attempt — and Step Functions answers `TaskTimedOut`. That answer must not read as "expired".
 */
let sfn: FakeStepFunctions;
let log: RecordingLog;
let metrics: InMemoryMetrics;
let tokens: StepFunctionsTaskTokens;

beforeAll(async () => {
  sfn = await startFakeStepFunctions();
});
afterAll(() => sfn.close());
/**
 * Production's transport: a request timeout that throws. Production's 5 s for every call the
 * stand-in answers, so a slow machine cannot turn an answer into a lost one; a lost `'late'`
 * answer never comes, so there the timeout only has to outlast the retry's own answer.
 */
function tokensWithTimeout(requestTimeoutMs: number): StepFunctionsTaskTokens {
  const client = new SFNClient({ ...LOCAL_AWS, endpoint: sfn.endpoint, requestHandler: awsRequestHandler({ requestTimeoutMs }) });
  return new StepFunctionsTaskTokens(client, { log, metrics });
}

beforeEach(() => {
  log = new RecordingLog();
  metrics = new InMemoryMetrics();
  tokens = tokensWithTimeout(5_000);
});

const sent = (token: string) => sfn.requests.filter((r) => r.input['taskToken'] === token).length;

describe('StepFunctionsTaskTokens when an answer is lost', () => {
  it.each(['reset', 'late'] as const)(
    'reports a success whose answer was lost (%s) and whose retry found the token closed as taken, resuming once',
    async (how) => {
      const token = sfn.engine.startTask();
      sfn.loseAnswers(1, how);
      const sender = how === 'late' ? tokensWithTimeout(1_000) : tokens;

      const result = await sender.succeed(token, '{"done":true}');

      expect(result).toEqual(ok(undefined));
      expect(sfn.engine.task(token)).toMatchObject({ state: 'succeeded', output: '{"done":true}' });
      expect(sent(token)).toBe(2);
      expect(metrics.get('CallbacksResumeUnconfirmed')).toBe(1);
      expect(log.records).toContainEqual(
        expect.objectContaining({ level: 'warn', message: expect.stringMatching(/answer was lost/), fields: expect.objectContaining({ reason: 'TaskTimedOut' }) }),
      );
    },
  );

  it('does the same for a failure', async () => {
    const token = sfn.engine.startTask();
    sfn.loseAnswers(1, 'reset');

    expect(await tokens.fail(token, 'FAILED', 'Out of memory')).toEqual(ok(undefined));
    expect(sfn.engine.task(token)).toMatchObject({ state: 'failed', error: 'FAILED', cause: 'Out of memory' });
  });

  it('keeps TaskTimedOut as gone when every earlier attempt was refused without effect (throttled)', async () => {
    const token = sfn.engine.startTask();
    (await sfn.engine.succeed(token, '{}'))._unsafeUnwrap(); // closed before our call
    sfn.throttleNext(1);

    const result = await tokens.succeed(token, '{}');

    expect(sent(token)).toBe(2);
    expect(result.isErr() && result.error).toMatchObject({ type: 'TaskTokenGone', reason: 'TaskTimedOut' });
    expect(metrics.get('CallbacksResumeUnconfirmed')).toBe(0);
  });

  it('keeps TaskTimedOut as gone with no earlier attempt', async () => {
    const token = sfn.engine.startTask();
    (await sfn.engine.succeed(token, '{}'))._unsafeUnwrap();

    const result = await tokens.succeed(token, '{}');

    expect(result.isErr() && result.error).toMatchObject({ type: 'TaskTokenGone', reason: 'TaskTimedOut' });
  });

  it('keeps a heartbeat whose retry found the token closed as gone: a heartbeat cannot close it', async () => {
    const token = sfn.engine.startTask();
    (await sfn.engine.succeed(token, '{}'))._unsafeUnwrap();
    sfn.loseAnswers(1, 'reset');

    const result = await tokens.heartbeat(token);

    expect(sent(token)).toBe(2);
    expect(result.isErr() && result.error).toMatchObject({ type: 'TaskTokenGone', reason: 'TaskTimedOut' });
  });

  it('cannot tell a token that closed by itself while the answer was lost, and says so (the workflow settles it)', async () => {
    // The one case the adapter gets wrong: the task had already timed out and the lost answer was
    // that refusal. Only this call can have closed a token Baton holds, so it is taken as resumed;
    // the workflow's own timeout already settled the task.
    const token = sfn.engine.startTask();
    (await sfn.engine.fail(token, 'States.Timeout', 'timed out'))._unsafeUnwrap();
    sfn.loseAnswers(1, 'reset');

    expect(await tokens.succeed(token, '{}')).toEqual(ok(undefined));
    expect(metrics.get('CallbacksResumeUnconfirmed')).toBe(1);
  });

  it("remembers a call whose every attempt went unanswered: the caller's own retry that finds the token closed is taken too", async () => {
    const token = sfn.engine.startTask();
    sfn.loseAnswers(3, 'reset'); // the SDK's three attempts: the first resumes, every answer is lost

    const first = await tokens.succeed(token, '{"done":true}');
    const again = await tokens.succeed(token, '{"done":true}');

    expect(first).toEqual(err(expect.objectContaining({ type: 'TaskTokensUnavailable' })));
    expect(again).toEqual(ok(undefined));
    expect(sfn.engine.task(token)).toMatchObject({ state: 'succeeded', output: '{"done":true}' });
    expect(sent(token)).toBe(4);
    expect(metrics.get('CallbacksResumeUnconfirmed')).toBe(1);
  });

  it('forgets it once the token answers: a heartbeat that gets through proves the earlier send did not land', async () => {
    const token = sfn.engine.startTask();
    sfn.setDown(true);
    try {
      expect((await tokens.succeed(token, '{}')).isErr()).toBe(true); // 503s: may have taken effect
    } finally {
      sfn.setDown(false);
    }
    expect(await tokens.heartbeat(token)).toEqual(ok(undefined));
    (await sfn.engine.fail(token, 'States.Timeout', 'timed out'))._unsafeUnwrap(); // then the task times out

    const result = await tokens.succeed(token, '{}');

    expect(result.isErr() && result.error).toMatchObject({ type: 'TaskTokenGone', reason: 'TaskTimedOut' });
    expect(metrics.get('CallbacksResumeUnconfirmed')).toBe(0);
  });

  it('still reports an outage whose every attempt went unanswered as unavailable', async () => {
    const token = sfn.engine.startTask();
    sfn.setDown(true);
    try {
      const result = await tokens.succeed(token, '{}');
      expect(result).toEqual(err(expect.objectContaining({ type: 'TaskTokensUnavailable' })));
    } finally {
      sfn.setDown(false);
    }
  });
});

describe('ResumeCallback when a resume went unanswered in another process', () => {
  it('notes it on the mapping, and the redrive elsewhere that finds the token closed takes it as resumed, once', async () => {
    const mappings = new InMemoryCallbackMappings();
    const clock = new ManualClock(T0);
    const resumeIn = (process: StepFunctionsTaskTokens) => new ResumeCallback({ mappings, taskTokens: process, clock, log, metrics });
    const mapping = aMapping({ taskToken: sfn.engine.startTask() });
    (await mappings.create(mapping))._unsafeUnwrap();
    const accepted = (await mappings.accept(mapping.callbackToken, aSuccess(), T0, 'runpod'))._unsafeUnwrap();
    sfn.loseAnswers(3, 'reset'); // the webhook's three attempts: the first resumes, every answer is lost

    const webhook = await resumeIn(tokensWithTimeout(5_000)).execute(accepted);
    clock.advanceSeconds(60);
    const redrive = await resumeIn(tokensWithTimeout(5_000)).execute((await mappings.find(mapping.callbackToken))!);

    expect(webhook.type).toBe('Deferred');
    expect(redrive).toMatchObject({ type: 'Resumed', mapping: { status: 'COMPLETED', resumeUnansweredAt: isoSeconds(T0) } });
    expect(sfn.engine.task(mapping.taskToken)).toMatchObject({ state: 'succeeded' });
    expect(await mappings.find(mapping.callbackToken)).toMatchObject({ status: 'COMPLETED' });
    expect(metrics.get('CallbacksResumeUnconfirmed')).toBe(1);
  });

  it('still records EXPIRED when no earlier resume went unanswered', async () => {
    const mappings = new InMemoryCallbackMappings();
    const clock = new ManualClock(T0);
    const mapping = aMapping({ taskToken: sfn.engine.startTask() });
    (await mappings.create(mapping))._unsafeUnwrap();
    const accepted = (await mappings.accept(mapping.callbackToken, aSuccess(), T0, 'runpod'))._unsafeUnwrap();
    (await sfn.engine.fail(mapping.taskToken, 'States.Timeout', 'timed out'))._unsafeUnwrap();

    const result = await new ResumeCallback({ mappings, taskTokens: tokens, clock, log, metrics }).execute(accepted);

    expect(result).toMatchObject({ type: 'Gone', mapping: { status: 'EXPIRED' } });
    expect(metrics.get('CallbacksResumeUnconfirmed')).toBe(0);
  });
});
