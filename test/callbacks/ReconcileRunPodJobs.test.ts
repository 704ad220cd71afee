import { err } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { ReconcileFaults } from '../../application/runpod/ReconcileRunPodJobs.js';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { callbackHarness, type CallbackHarness } from './callbackHarness.js';

const event = (taskToken: string) => ({
  task_token: taskToken,
  exec_id: 'execution-123',
  segment: { filename: 'seg_0001.mp4', input_key: 'runs/e/raw/seg_0001.mp4', output_key: 'runs/e/up/seg_0001.mp4' },
  bucket: 'my-bucket',
});

/** A segment submitted through the real use-case: its task waits, RunPod holds its job, the mapping is PENDING. */
async function submitted(h: CallbackHarness, options: { heartbeatSeconds?: number; timeoutSeconds?: number } = {}) {
  const taskToken = h.sfn.startTask({ timeoutSeconds: options.timeoutSeconds ?? 7200, ...options });
  const out = (await h.submit.execute(event(taskToken)))._unsafeUnwrap();
  return { taskToken, callbackToken: out.callback_token, jobId: out.job_id };
}

const COMPLETED = { status: 'COMPLETED', output: { message: 'Video upscaled successfully' }, delayTime: 50, executionTime: 9_000 };

describe('ReconcileRunPodJobs', () => {
  it('resumes a finished job whose webhook was lost, with what the webhook would have sent, once', async () => {
    const h = callbackHarness();
    const lost = await submitted(h);
    const twin = callbackHarness();
    const delivered = await submitted(twin);
    h.gpuJobs.setStatus(lost.jobId, COMPLETED);
    h.clock.advanceSeconds(301);

    const report = await h.reconcile.execute();
    const again = await h.reconcile.execute();
    (await twin.webhook.execute({ callbackToken: delivered.callbackToken, body: { id: delivered.jobId, ...COMPLETED } }))._unsafeUnwrap();

    expect(report).toMatchObject({ found: 1, recovered: 1, faulted: 0 });
    expect(again.found).toBe(0);
    expect(h.sfn.task(lost.taskToken)).toMatchObject({ state: 'succeeded', resumeCalls: 1 });
    expect(h.sfn.task(lost.taskToken)!.output).toBe(twin.sfn.task(delivered.taskToken)!.output);
    expect(h.mappings.all()[0]!.status).toBe('COMPLETED');
    expect(h.metrics.get('CallbacksRecovered')).toBe(1);
  });

  it.each(['FAILED', 'CANCELLED', 'TIMED_OUT'])('fails the task with %s as the error name, as the webhook does', async (status) => {
    const h = callbackHarness();
    const s = await submitted(h);
    h.gpuJobs.setStatus(s.jobId, { status, error: 'CUDA error: out of memory' });
    h.clock.advanceSeconds(301);

    await h.reconcile.execute();

    expect(h.sfn.task(s.taskToken)).toMatchObject({ state: 'failed', error: status, cause: 'CUDA error: out of memory', resumeCalls: 1 });
  });

  it('leaves mappings younger than RECONCILE_AFTER_SECONDS alone', async () => {
    const h = callbackHarness();
    const s = await submitted(h);
    h.gpuJobs.setStatus(s.jobId, COMPLETED);
    h.clock.advanceSeconds(299);

    const report = await h.reconcile.execute();

    expect(report.found).toBe(0);
    expect(h.sfn.task(s.taskToken)!.state).toBe('waiting');
  });

  it('heartbeats the task of a job still queued or running, so HeartbeatSeconds only catches a dead job', async () => {
    const h = callbackHarness();
    const s = await submitted(h, { heartbeatSeconds: 600 });
    h.clock.advanceSeconds(400);
    h.gpuJobs.setStatus(s.jobId, { status: 'IN_PROGRESS' });

    const report = await h.reconcile.execute();
    h.clock.advanceSeconds(500); // 900 s after the start, 500 s after the beat

    expect(report).toMatchObject({ heartbeat: 1 });
    expect(h.sfn.calls.heartbeat).toBe(1);
    expect(h.sfn.task(s.taskToken)!.state).toBe('waiting');
    expect(h.mappings.all()[0]!.status).toBe('PENDING');
  });

  it('cancels the job of a task that is gone and abandons its mapping; a later webhook answers gone (410)', async () => {
    const h = callbackHarness();
    const s = await submitted(h, { timeoutSeconds: 600 });
    h.gpuJobs.setStatus(s.jobId, { status: 'IN_PROGRESS' });
    h.clock.advanceSeconds(601);

    const report = await h.reconcile.execute();
    const late = await h.webhook.execute({ callbackToken: s.callbackToken, body: { id: s.jobId, ...COMPLETED } });
    const next = await h.reconcile.execute();

    expect(report).toMatchObject({ cancelled: 1 });
    expect(h.gpuJobs.cancelled).toEqual([s.jobId]);
    expect((await h.gpuJobs.status(s.jobId))._unsafeUnwrap().status).toBe('CANCELLED');
    expect(h.mappings.all()[0]).toMatchObject({ status: 'ABANDONED', goneReason: 'TaskTimedOut' });
    expect(late.isErr() && late.error.type).toBe('CallbackGone');
    expect(next.found).toBe(0);
    expect(h.metrics.get('RunPodJobsCancelled')).toBe(1);
    expect(h.sfn.task(s.taskToken)!.resumeCalls).toBe(0);
  });

  it('fails the task with RunPodJobLost when RunPod no longer knows the job', async () => {
    const h = callbackHarness();
    const s = await submitted(h);
    h.gpuJobs.forget(s.jobId);
    h.clock.advanceSeconds(301);

    const report = await h.reconcile.execute();

    expect(report).toMatchObject({ lost: 1 });
    expect(h.sfn.task(s.taskToken)).toMatchObject({ state: 'failed', error: 'RunPodJobLost', resumeCalls: 1 });
    expect(h.mappings.all()[0]!.status).toBe('FAILED');
  });

  it('leaves a mapping without a job id alone (no status read, no heartbeat), and its webhook still resumes it', async () => {
    const h = callbackHarness();
    const taskToken = h.sfn.startTask({ timeoutSeconds: 7200 });
    const callbackToken = h.ids.secretToken();
    (await h.mappings.create(newCallbackMapping({ callbackToken, taskToken, channel: 'runpod', now: h.clock.now() })))._unsafeUnwrap();
    h.clock.advanceSeconds(301);

    const report = await h.reconcile.execute();
    const webhook = await h.webhook.execute({ callbackToken, body: { id: 'runpod-job-77', ...COMPLETED } });

    expect(report).toMatchObject({ found: 1, noJobId: 1 });
    expect(h.sfn.calls.heartbeat).toBe(0);
    expect(webhook.isOk() && webhook.value.type).toBe('Resumed');
    expect(h.metrics.get('ReconcileJobIdMissing')).toBe(1);
  });

  it("never touches a Spot worker's mapping, whose job id is the pipeline's", async () => {
    const h = callbackHarness();
    const taskToken = h.sfn.startTask({ timeoutSeconds: 7200 });
    (await h.mappings.create(
      newCallbackMapping({ callbackToken: h.ids.secretToken(), taskToken, channel: 'worker', jobId: 'job-abc123', now: h.clock.now() }),
    ))._unsafeUnwrap();
    h.clock.advanceSeconds(3600);

    const report = await h.reconcile.execute();

    expect(report.found).toBe(0);
    expect(h.sfn.task(taskToken)!.state).toBe('waiting');
  });

  it('resumes exactly once when the webhook and two overlapping runs race for the same finished job', async () => {
    const h = callbackHarness();
    const jobs = [await submitted(h), await submitted(h), await submitted(h)];
    for (const j of jobs) h.gpuJobs.setStatus(j.jobId, COMPLETED);
    h.clock.advanceSeconds(301);

    const [a, b] = await Promise.all([
      h.reconcile.execute(),
      h.reconcile.execute(),
      ...jobs.map((j) => h.webhook.execute({ callbackToken: j.callbackToken, body: { id: j.jobId, ...COMPLETED } })),
    ]);

    expect(jobs.map((j) => h.sfn.task(j.taskToken)!.resumeCalls)).toEqual([1, 1, 1]);
    expect([a, b]).toMatchObject([{ faulted: 0 }, { faulted: 0 }]);
  });

  it('pages through every due mapping in one run, and a faulting one does not stop the rest', async () => {
    const h = callbackHarness();
    const jobs: Awaited<ReturnType<typeof submitted>>[] = [];
    for (let i = 0; i < 7; i += 1) jobs.push(await submitted(h));
    for (const j of jobs) h.gpuJobs.setStatus(j.jobId, COMPLETED);
    h.clock.advanceSeconds(301);
    const status = h.gpuJobs.status.bind(h.gpuJobs);
    h.gpuJobs.status = (id) => {
      if (id === jobs[4]!.jobId) throw new Error('socket hang up');
      return status(id);
    };

    await expect(h.reconcile.execute()).rejects.toThrow(ReconcileFaults);

    expect(jobs.filter((j) => h.sfn.task(j.taskToken)!.state === 'succeeded')).toHaveLength(6);
    // Pages of 3: 3 + 3 + 1, and perhaps one empty page (a shard that answered its full share).
    expect(h.mappings.calls.pendingRunPodBefore).toBeGreaterThanOrEqual(3);
    expect(h.mappings.calls.pendingRunPodBefore).toBeLessThanOrEqual(4);
    expect(h.log.messages()).toContain('Reconcile of a RunPod job failed');
  });

  it('keeps a mapping for the next run when Step Functions cannot take the heartbeat now', async () => {
    const h = callbackHarness();
    const s = await submitted(h);
    h.gpuJobs.setStatus(s.jobId, { status: 'IN_QUEUE' });
    h.clock.advanceSeconds(301);
    h.sfn.setAvailable(false);

    const report = await h.reconcile.execute();

    expect(report).toMatchObject({ deferred: 1 });
    expect(h.mappings.all()[0]!.status).toBe('PENDING');
    expect(await h.gpuJobs.status('nope')).toEqual(err({ type: 'GpuJobUnknown', jobId: 'nope' }));
  });
});
