import { describe, expect, it } from 'vitest';
import { RedriveFaults } from '../../application/callbacks/RedriveCallbacks.js';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { successOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import { callbackHarness } from './callbackHarness.js';

async function acceptedWhileStepFunctionsIsDown(h: ReturnType<typeof callbackHarness>, count: number) {
  const tasks: string[] = [];
  h.sfn.setAvailable(false);
  for (let i = 0; i < count; i += 1) {
    const taskToken = h.sfn.startTask();
    const callbackToken = h.ids.secretToken();
    await h.mappings.create(newCallbackMapping({ callbackToken, taskToken, channel: 'runpod', now: h.clock.now() }));
    await h.complete.execute({ callbackToken, outcome: successOutcome({ i }), channel: 'runpod' });
    tasks.push(taskToken);
  }
  h.sfn.setAvailable(true);
  return tasks;
}

describe('RedriveCallbacks', () => {
  it('resumes every outcome Step Functions could not take, once, after REDRIVE_AFTER_SECONDS', async () => {
    const h = callbackHarness();
    const tasks = await acceptedWhileStepFunctionsIsDown(h, 3);

    const early = (await h.redrive.execute())._unsafeUnwrap();
    h.clock.advanceSeconds(61);
    const due = (await h.redrive.execute())._unsafeUnwrap();
    const after = (await h.redrive.execute())._unsafeUnwrap();

    expect(early.found).toBe(0);
    expect(due).toEqual({ found: 3, resumed: 3, deferred: 0, gone: 0, skipped: 0, faulted: 0 });
    expect(after.found).toBe(0);
    expect(tasks.map((t) => h.sfn.task(t)!.resumeCalls)).toEqual([1, 1, 1]);
  });

  it('stops at the first page while Step Functions is still down, keeping everything for later', async () => {
    const h = callbackHarness();
    await acceptedWhileStepFunctionsIsDown(h, 2);
    h.sfn.setAvailable(false);
    h.clock.advanceSeconds(61);

    const report = (await h.redrive.execute())._unsafeUnwrap();

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
});
