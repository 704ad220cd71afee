import { SFNClient } from '@aws-sdk/client-sfn';
import { err, ok } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskTokens } from '../../application/ports/TaskTokens.js';
import { InMemoryStepFunctions } from '../../adapters/memory/InMemoryStepFunctions.js';
import { StepFunctionsTaskTokens } from '../../adapters/stepfunctions/StepFunctionsTaskTokens.js';
import { SystemClock } from '../../adapters/system/SystemClock.js';
import { LOCAL_AWS } from '../support/dynamoDbLocal.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../support/fakeStepFunctions.js';

interface Harness {
  readonly tokens: TaskTokens;
  start(): string;
  setDown(down: boolean): void;
}

let server: FakeStepFunctions;
beforeAll(async () => {
  server = await startFakeStepFunctions();
});
afterAll(() => server.close());

const harnesses: [string, () => Harness][] = [
  [
    'InMemoryStepFunctions',
    () => {
      const sfn = new InMemoryStepFunctions(new SystemClock());
      return { tokens: sfn, start: () => sfn.startTask(), setDown: (d) => sfn.setAvailable(!d) };
    },
  ],
  [
    'StepFunctionsTaskTokens (SDK over the wire)',
    () => ({
      tokens: new StepFunctionsTaskTokens(new SFNClient({ ...LOCAL_AWS, endpoint: server.endpoint, maxAttempts: 2 })),
      start: () => server.engine.startTask(),
      setDown: (d) => server.setDown(d),
    }),
  ],
];

describe.each(harnesses)('TaskTokens contract: %s', (_name, make) => {
  it('resumes a waiting task once; a second resume is refused as TaskTimedOut', async () => {
    const h = make();
    const token = h.start();

    expect(await h.tokens.succeed(token, '{"ok":true}')).toEqual(ok(undefined));
    const again = await h.tokens.fail(token, 'E', 'c');

    expect(again.isErr() && again.error).toMatchObject({ type: 'TaskTokenGone', reason: 'TaskTimedOut' });
  });

  it('refuses an unknown token as InvalidToken', async () => {
    const h = make();

    const result = await h.tokens.succeed('AQCEAAAAKgAAAA-nobody', '{}');

    expect(result.isErr() && result.error).toMatchObject({ type: 'TaskTokenGone', reason: 'InvalidToken' });
  });

  it('takes heartbeats while the task waits, not after', async () => {
    const h = make();
    const token = h.start();

    expect(await h.tokens.heartbeat(token)).toEqual(ok(undefined));
    (await h.tokens.fail(token, 'RenderError', 'boom'))._unsafeUnwrap();
    const late = await h.tokens.heartbeat(token);

    expect(late.isErr() && late.error.type).toBe('TaskTokenGone');
  });

  it('reports an outage as TaskTokensUnavailable and works again after it', async () => {
    const h = make();
    const token = h.start();
    h.setDown(true);

    const during = await h.tokens.succeed(token, '{}');
    h.setDown(false);
    const after = await h.tokens.succeed(token, '{}');

    expect(during.isErr() && during.error.type).toBe('TaskTokensUnavailable');
    expect(after).toEqual(ok(undefined));
  });
});

it('the in-memory engine times tasks out by its clock', async () => {
  let now = Date.parse('2026-01-06T12:00:00Z');
  const sfn = new InMemoryStepFunctions({ now: () => new Date(now) });
  const token = sfn.startTask({ timeoutSeconds: 60, heartbeatSeconds: 10 });

  now += 9_000;
  expect(await sfn.heartbeat(token)).toEqual(ok(undefined));
  now += 11_000;

  expect(await sfn.succeed(token, '{}')).toEqual(err({ type: 'TaskTokenGone', reason: 'TaskTimedOut' }));
  expect(sfn.task(token)!.state).toBe('timedOut');
});
