import { ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REDRIVE_SETTINGS, OLDEST_ACCEPTED_AGE_METRIC, RedriveCallbacks, RedriveFaults } from '../../application/callbacks/RedriveCallbacks.js';
import { ResumeCallback } from '../../application/callbacks/ResumeCallback.js';
import type { TaskTokens } from '../../application/ports/TaskTokens.js';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { successOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import { callbackHarness, type CallbackHarness } from './callbackHarness.js';

async function acceptedWhileStepFunctionsIsDown(h: ReturnType<typeof callbackHarness>, count: number) {
  const tasks: string[] = [];
  h.sfn.setAvailable(false);
  for (let i = 0; i < count; i += 1) {
    const taskToken = h.sfn.startTask();
    const callbackToken = h.ids.secretToken();
    (await h.mappings.create(newCallbackMapping({ callbackToken, taskToken, channel: 'runpod', now: h.clock.now() })))._unsafeUnwrap();
    (await h.complete.execute({ callbackToken, outcome: successOutcome({ i }), channel: 'runpod' }))._unsafeUnwrap();
    tasks.push(taskToken);
  }
  h.sfn.setAvailable(true);
  return tasks;
}

describe('RedriveCallbacks', () => {
  it('resumes every outcome Step Functions could not take, once, after REDRIVE_AFTER_SECONDS', async () => {
    const h = callbackHarness();
    const tasks = await acceptedWhileStepFunctionsIsDown(h, 3);

    const early = await h.redrive.execute();
    h.clock.advanceSeconds(61);
    const due = await h.redrive.execute();
    const after = await h.redrive.execute();

    expect(early.found).toBe(0);
    expect(due).toEqual({ found: 3, resumed: 3, deferred: 0, gone: 0, refused: 0, skipped: 0, faulted: 0 });
    expect(after.found).toBe(0);
    expect(tasks.map((t) => h.sfn.task(t)!.resumeCalls)).toEqual([1, 1, 1]);
  });

  it('stops at the first page while Step Functions is still down, keeping everything for later', async () => {
    const h = callbackHarness();
    await acceptedWhileStepFunctionsIsDown(h, 2);
    h.sfn.setAvailable(false);
    h.clock.advanceSeconds(61);

    const report = await h.redrive.execute();

    expect(report).toMatchObject({ deferred: 2, resumed: 0 });
    expect(h.mappings.all().map((m) => m.status)).toEqual(['ACCEPTED', 'ACCEPTED']);
  });

  it('finishes the page when one mapping faults, then fails the run so the fault is seen', async () => {
    const h = callbackHarness();
    const tasks = await acceptedWhileStepFunctionsIsDown(h, 3);
    const lease = h.mappings.lease.bind(h.mappings);
    let calls = 0;
    h.mappings.lease = (token, now, until) => {
      calls += 1;
      if (calls === 1) throw new Error('DynamoDB throttled'); // as a rejected SDK call surfaces
      return lease(token, now, until);
    };
    h.clock.advanceSeconds(61);

    await expect(h.redrive.execute()).rejects.toThrow(RedriveFaults);

    expect(tasks.filter((t) => h.sfn.task(t)!.state === 'succeeded')).toHaveLength(2);
    expect(h.log.messages()).toContain('Redrive of a callback failed');
  });

  it('reports how long the oldest outcome it found had waited for Step Functions, 0 when none', async () => {
    const h = callbackHarness();
    await acceptedWhileStepFunctionsIsDown(h, 1);
    h.clock.advanceSeconds(30);
    await acceptedWhileStepFunctionsIsDown(h, 1);
    h.sfn.setAvailable(false);
    h.clock.advanceSeconds(900);

    await h.redrive.execute();
    const whileDown = h.metrics.get(OLDEST_ACCEPTED_AGE_METRIC);
    h.sfn.setAvailable(true);
    h.clock.advanceSeconds(60);
    await h.redrive.execute();
    const afterResume = h.metrics.get(OLDEST_ACCEPTED_AGE_METRIC) - whileDown;
    await h.redrive.execute();
    const nothingLeft = h.metrics.get(OLDEST_ACCEPTED_AGE_METRIC) - whileDown - afterResume;

    expect(whileDown).toBe(930);
    expect(afterResume).toBe(990);
    expect(nothingLeft).toBe(0);
  });

  it('pages on from where it stopped: items stuck at the head never hide the ones behind them', async () => {
    const h = callbackHarness();
    const tasks = await acceptedWhileStepFunctionsIsDown(h, 7);
    h.clock.advanceSeconds(61);
    // Another run holds the first five (oldest first), as if it hung on them.
    for (const m of h.mappings.all().slice(0, 5)) (await h.mappings.lease(m.callbackToken, h.clock.now(), new Date(h.clock.now().getTime() + 600_000)))._unsafeUnwrap();
    const paged = redriveOf(h, h.sfn, { pageSize: 2, leaseSeconds: 30 });

    const report = await paged.execute();

    expect(report).toMatchObject({ found: 7, skipped: 5, resumed: 2 });
    expect(tasks.slice(5).map((t) => h.sfn.task(t)!.resumeCalls)).toEqual([1, 1]);
    // 2 + 2 + 2 + 1 (found: 7 says no token came twice), and perhaps one empty page: a shard that
    // answered its full share cannot tell that nothing follows (DynamoDB's LastEvaluatedKey).
    expect(h.mappings.calls.acceptedBefore).toBeGreaterThanOrEqual(4);
    expect(h.mappings.calls.acceptedBefore).toBeLessThanOrEqual(5);
  });

  it('takes a permanent refusal (AccessDenied) out of the redrive: recorded on the mapping, counted, never retried', async () => {
    const h = callbackHarness();
    const [task] = await acceptedWhileStepFunctionsIsDown(h, 1);
    h.clock.advanceSeconds(61);
    h.sfn.refuseWith('AccessDeniedException: User is not authorized to perform: states:SendTaskSuccess');

    const first = await h.redrive.execute();
    h.clock.advanceSeconds(61);
    const second = await h.redrive.execute();

    expect(first).toMatchObject({ found: 1, refused: 1, resumed: 0 });
    expect(second.found).toBe(0);
    expect(h.mappings.all()[0]).toMatchObject({
      status: 'REFUSED',
      refusal: 'AccessDeniedException: User is not authorized to perform: states:SendTaskSuccess',
    });
    expect(h.metrics.get('CallbacksRefused')).toBe(1);
    expect(h.sfn.task(task!)!.state).toBe('waiting');
  });

  it('answers a webhook whose resume is refused for good with 202 (stored, REFUSED), and its repeats the same', async () => {
    const h = callbackHarness();
    const taskToken = h.sfn.startTask();
    const callbackToken = h.ids.secretToken();
    (await h.mappings.create(newCallbackMapping({ callbackToken, taskToken, channel: 'runpod', now: h.clock.now() })))._unsafeUnwrap();
    h.sfn.refuseWith('ValidationException: 1 validation error detected');

    const first = await h.complete.execute({ callbackToken, outcome: successOutcome({}), channel: 'runpod' });
    const again = await h.complete.execute({ callbackToken, outcome: successOutcome({}), channel: 'runpod' });

    expect(first.isOk() && first.value).toMatchObject({ type: 'Deferred', mapping: { status: 'REFUSED' } });
    expect(again.isOk() && again.value).toMatchObject({ type: 'Deferred', mapping: { status: 'REFUSED' } });
  });
});

/** Step Functions whose resumes wait until released: a slow SendTask, so two runs overlap on the same items. */
function slowStepFunctions(h: CallbackHarness) {
  const gates: (() => void)[] = [];
  const hold = <T>(call: () => PromiseLike<T>) =>
    new Promise<void>((resolve) => gates.push(resolve)).then(call);
  const slow: TaskTokens = {
    succeed: (token, output) => new ResultAsync(hold(() => h.sfn.succeed(token, output))),
    fail: (token, error, cause) => new ResultAsync(hold(() => h.sfn.fail(token, error, cause))),
    heartbeat: (token) => h.sfn.heartbeat(token),
  };
  return { slow, release: () => gates.splice(0).forEach((open) => open()), held: () => gates.length };
}

function redriveOf(h: CallbackHarness, tokens: TaskTokens, settings: { pageSize?: number; leaseSeconds: number }) {
  const resume = new ResumeCallback({ mappings: h.mappings, taskTokens: tokens, clock: h.clock, log: h.log, metrics: h.metrics });
  return new RedriveCallbacks({ mappings: h.mappings, resumeCallback: resume, clock: h.clock, log: h.log, metrics: h.metrics }, {
    redriveAfterSeconds: 60,
    leaseSeconds: settings.leaseSeconds,
    pageSize: settings.pageSize ?? 100,
    maxPages: 10,
  });
}

describe('RedriveCallbacks, two overlapping runs', () => {
  /** Run A starts and hangs inside SendTask; a second later run B starts over the same items. */
  async function overlapping(leaseSeconds: number) {
    const h = callbackHarness();
    const tasks = await acceptedWhileStepFunctionsIsDown(h, 3);
    h.clock.advanceSeconds(61);
    const sfn = slowStepFunctions(h);
    const redrive = redriveOf(h, sfn.slow, { leaseSeconds });

    const a = redrive.execute();
    while (sfn.held() < 3) await new Promise((r) => setImmediate(r));
    h.clock.advanceSeconds(1);
    const b = redrive.execute();
    await new Promise((r) => setImmediate(r));
    sfn.release();
    await new Promise((r) => setImmediate(r));
    sfn.release();
    const reports = [await a, await b];
    return { h, tasks, reports };
  }

  it('resume each outcome exactly once with the lease callback-redrive uses: the second run finds every item leased', async () => {
    const { h, tasks, reports } = await overlapping(DEFAULT_REDRIVE_SETTINGS.leaseSeconds);

    expect(tasks.map((t) => h.sfn.task(t)!.resumeCalls)).toEqual([1, 1, 1]);
    expect(reports.map((r) => [r.resumed, r.skipped])).toEqual([
      [3, 0],
      [0, 3],
    ]);
  });

  it('would resume twice without the lease (a lease of 0 s): the lease is what keeps them apart', async () => {
    const { h, tasks } = await overlapping(0);

    expect(tasks.map((t) => h.sfn.task(t)!.resumeCalls)).toEqual([2, 2, 2]);
  });
});
