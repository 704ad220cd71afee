import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallbackStatus } from '../../domain/callbacks/CallbackMapping.js';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { callbackHarness, type CallbackHarness } from './callbackHarness.js';

/** What a correct system must have done so far. */
interface Model {
  status: CallbackStatus;
  stepFunctionsDown: boolean;
  tokenExpired: boolean;
  outcome: 'COMPLETED' | 'FAILED' | undefined;
  /** SendTaskSuccess/Failure calls that reached Step Functions (accepted or refused as timed out). */
  resumeCalls: number;
}

interface Real {
  h: CallbackHarness;
  callbackToken: string;
  taskToken: string;
}

const TASK_TIMEOUT_SECONDS = 3_600;

/** What Step Functions does with an ACCEPTED outcome when it is resumed now. */
function resumeInModel(m: Model): void {
  if (m.stepFunctionsDown) return;
  m.resumeCalls += 1;
  m.status = m.tokenExpired ? 'EXPIRED' : m.outcome!;
}

class DeliverCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT') {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const before = m.status;
    const result = await r.h.webhook.execute({
      callbackToken: r.callbackToken,
      body: { id: 'job-1', status: this.status, output: { ok: true }, error: 'boom' },
    });
    if (before === 'PENDING') {
      m.status = 'ACCEPTED';
      m.outcome = this.status === 'COMPLETED' ? 'COMPLETED' : 'FAILED';
      resumeInModel(m);
    }
    const expected =
      m.status === 'EXPIRED'
        ? 'CallbackGone'
        : m.status === 'ACCEPTED'
          ? 'Deferred'
          : before === 'PENDING'
            ? 'Resumed'
            : 'AlreadyFinished';
    expect(result.isOk() ? result.value.type : result.error.type).toBe(expected);
  }
  toString = () => `deliver(${this.status})`;
}

class OutageCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly down: boolean) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.h.sfn.setAvailable(!this.down);
    m.stepFunctionsDown = this.down;
  }
  toString = () => (this.down ? 'stepFunctionsDown' : 'stepFunctionsUp');
}

class RedriveCommand implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.h.clock.advanceSeconds(61);
    await r.h.redrive.execute();
    if (m.status === 'ACCEPTED') resumeInModel(m);
  }
  toString = () => 'redrive';
}

class TaskTimesOutCommand implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => !m.tokenExpired;
  async run(m: Model, r: Real): Promise<void> {
    r.h.clock.advanceSeconds(TASK_TIMEOUT_SECONDS + 1);
    // Step Functions times a task out only if nobody resumed it before.
    if (m.status === 'PENDING' || m.status === 'ACCEPTED') m.tokenExpired = true;
  }
  toString = () => 'taskTimesOut';
}

const commands = [
  fc.constantFrom('COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT').map((s) => new DeliverCommand(s)),
  fc.boolean().map((down) => new OutageCommand(down)),
  fc.constant(new RedriveCommand()),
  fc.constant(new TaskTimesOutCommand()),
];

describe('CallbackMapping under any sequence of deliveries, outages, redrives and timeouts', () => {
  it('resumes the task at most once, and the mapping always says what Step Functions did', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
        const h = callbackHarness();
        const taskToken = h.sfn.startTask({ timeoutSeconds: TASK_TIMEOUT_SECONDS });
        const callbackToken = h.ids.secretToken();
        (await h.mappings.create(newCallbackMapping({ callbackToken, taskToken, channel: 'runpod', now: h.clock.now() })))._unsafeUnwrap();
        const model: Model = { status: 'PENDING', stepFunctionsDown: false, tokenExpired: false, outcome: undefined, resumeCalls: 0 };

        await fc.asyncModelRun(() => ({ model, real: { h, callbackToken, taskToken } }), cmds);

        const task = h.sfn.task(taskToken)!;
        const stored = (await h.mappings.find(callbackToken))!;
        expect(stored.status).toBe(model.status);
        // Exactly what the model did: one call once a resume got through, none before.
        expect(task.resumeCalls).toBe(model.resumeCalls);
        expect(model.resumeCalls).toBe(['COMPLETED', 'FAILED', 'EXPIRED'].includes(model.status) ? 1 : 0);
        if (stored.status === 'COMPLETED') expect(task.state).toBe('succeeded');
        if (stored.status === 'FAILED') expect(task.state).toBe('failed');
        if (stored.status === 'EXPIRED') expect(task.state).toBe('timedOut');
        if (task.state === 'succeeded' || task.state === 'failed') {
          expect(['COMPLETED', 'FAILED', 'ACCEPTED']).toContain(stored.status);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('concurrent deliveries (fc.scheduler)', () => {
  it('any interleaving of N duplicate deliveries resumes the task exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 8 }), async (s, n) => {
        const h = callbackHarness();
        const taskToken = h.sfn.startTask();
        const callbackToken = h.ids.secretToken();
        (await h.mappings.create(newCallbackMapping({ callbackToken, taskToken, channel: 'runpod', now: h.clock.now() })))._unsafeUnwrap();
        const deliver = s.scheduleFunction(async (i: number) =>
          h.webhook.execute({ callbackToken, body: { id: `job-${i}`, status: 'COMPLETED', output: { i } } }),
        );

        const results = Array.from({ length: n }, (_, i) => deliver(i));
        await s.waitAll();
        const answers = await Promise.all(results);

        expect(h.sfn.task(taskToken)!.resumeCalls).toBe(1);
        expect(answers.filter((a) => a.isOk() && a.value.type === 'Resumed')).toHaveLength(1);
        expect(answers.every((a) => a.isOk())).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
