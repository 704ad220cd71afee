import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordingWorkerHost } from '../../adapters/memory/RecordingWorkerHost.js';
import { PowerOffWorkerHost } from '../../adapters/system/PowerOffWorkerHost.js';
import { ResumeCallback } from '../../application/callbacks/ResumeCallback.js';
import { abandon, newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { createWorker } from '../../entrypoints/worker/createWorker.js';
import { errorName, runWorker } from '../../entrypoints/worker/runWorker.js';
import { spotFlow } from './workerHarness.js';

class YouTubeQuotaError extends Error {}

describe('worker library (in memory)', () => {
  // The heartbeat loop and the report retries wait with setTimeout: tests that exercise them
  // fake it and move time on themselves, so nothing depends on how fast the machine is.
  const fakeTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  afterEach(() => void vi.useRealTimers());

  it('a worker that only has its user-data reports success, and Step Functions resumes once with the seed output', async () => {
    const flow = spotFlow();
    const taskToken = await flow.startJob();

    const run = await runWorker(flow.workerOn(), async () => ({ youtube_url: 'https://youtu.be/abc' }));

    expect(run.delivery._unsafeUnwrap()).toEqual({ type: 'Resumed' });
    const task = flow.sfn.task(taskToken)!;
    expect(task.state).toBe('succeeded');
    expect(JSON.parse(task.output!)).toEqual({ job_id: 'job-abc123', status: 'completed', youtube_url: 'https://youtu.be/abc' });
    expect(task.resumeCalls).toBe(1);
    expect(flow.mappings.all()[0]!.status).toBe('COMPLETED');
  });

  it('turns a thrown YouTubeQuotaError into that error name, its message into the cause', async () => {
    const flow = spotFlow();
    const taskToken = await flow.startJob();

    await runWorker(flow.workerOn(), async () => {
      throw new YouTubeQuotaError('daily upload limit reached');
    });

    expect(flow.sfn.task(taskToken)).toMatchObject({ state: 'failed', error: 'YouTubeQuotaError', cause: 'daily upload limit reached' });
  });

  it.each([
    ['renderer', 'RenderError'],
    ['uploader', 'UploadError'],
  ] as const)('a plain Error from the %s is reported as the seed names it: %s', async (role, name) => {
    const flow = spotFlow({ role });
    const taskToken = await flow.startJob();

    await runWorker(flow.workerOn(), async () => {
      throw new Error('ffmpeg exited with 1');
    });

    expect(flow.sfn.task(taskToken)).toMatchObject({ state: 'failed', error: name, cause: 'ffmpeg exited with 1' });
  });

  it('a repeated report (a worker restarted after reporting) resumes nothing again', async () => {
    const flow = spotFlow();
    const taskToken = await flow.startJob();
    const worker = flow.workerOn();
    (await worker.reportSuccess({ job_id: 'job-abc123', status: 'completed' }))._unsafeUnwrap();

    const again = await worker.reportFailure('UploadError', 'restarted');

    expect(again._unsafeUnwrap()).toEqual({ type: 'AlreadyReported' });
    expect(flow.sfn.task(taskToken)!.resumeCalls).toBe(1);
    expect(flow.sfn.task(taskToken)!.state).toBe('succeeded');
  });

  it('with Step Functions down, the report is still stored (accepted) for the redrive', async () => {
    const flow = spotFlow();
    await flow.startJob();
    flow.sfn.setAvailable(false);

    const r = await flow.workerOn().reportSuccess({ job_id: 'job-abc123', status: 'completed' });

    expect(r._unsafeUnwrap()).toEqual({ type: 'Accepted' });
    expect(flow.mappings.all()[0]!.status).toBe('ACCEPTED');
  });

  it('after a report Step Functions could not take, keeps the task alive with heartbeats until the redrive resumes it', async () => {
    fakeTimers();
    const flow = spotFlow();
    const taskToken = await flow.startJob('job-abc123', { heartbeatSeconds: 300 });
    flow.sfn.setAvailable(false);
    let working = true;
    const run = runWorker(flow.workerOn(), async () => ({ youtube_url: 'u' }), { heartbeatIntervalMs: 5 }).finally(() => (working = false));
    await vi.advanceTimersByTimeAsync(30); // the report's retries (1 + 2 ms) give up: Accepted
    flow.sfn.setAvailable(true);
    const beatsBefore = flow.sfn.calls.heartbeat;
    await vi.advanceTimersByTimeAsync(30);
    expect(working).toBe(true);
    expect(flow.sfn.calls.heartbeat - beatsBefore).toBe(6);
    expect(flow.sfn.task(taskToken)!.state).toBe('waiting');

    // The redrive hands the stored outcome over (as RedriveCallbacks does, through ResumeCallback).
    const accepted = flow.mappings.all()[0]!;
    await new ResumeCallback({
      mappings: flow.mappings,
      taskTokens: flow.sfn,
      clock: flow.clock,
      log: flow.log,
      metrics: flow.metrics,
    }).execute(accepted);
    await vi.advanceTimersByTimeAsync(5); // the next beat learns the task was resumed, and the hold ends
    const result = await run;

    expect(result.delivery._unsafeUnwrap()).toEqual({ type: 'Accepted' });
    expect(flow.sfn.task(taskToken)).toMatchObject({ state: 'succeeded', resumeCalls: 1 });
  });

  it('heartbeats keep a task alive past HeartbeatSeconds, and stop once the job is reported', async () => {
    const flow = spotFlow();
    const taskToken = await flow.startJob('job-abc123', { heartbeatSeconds: 300 });
    const worker = flow.workerOn();

    for (let minute = 0; minute < 10; minute += 1) {
      flow.clock.advanceSeconds(60);
      expect((await worker.sendHeartbeat())._unsafeUnwrap()).toBe('Sent');
    }
    expect(flow.sfn.task(taskToken)!.state).toBe('waiting');
    (await worker.reportSuccess({ job_id: 'job-abc123' }))._unsafeUnwrap();

    expect((await worker.sendHeartbeat())._unsafeUnwrap()).toBe('AlreadyReported');
    expect(flow.sfn.calls.heartbeat).toBe(10);
  });

  it('the heartbeat loop beats at the configured interval until stopped', async () => {
    fakeTimers();
    const flow = spotFlow();
    await flow.startJob();
    const beat = flow.workerOn().startHeartbeat({ intervalMs: 5 });

    await vi.advanceTimersByTimeAsync(60);
    await beat.stop();
    const beats = flow.sfn.calls.heartbeat;
    await vi.advanceTimersByTimeAsync(30);

    expect(beats).toBe(13); // one at the start, then one every 5 ms for 60 ms
    expect(flow.sfn.calls.heartbeat).toBe(beats);
  });

  it('when the task has timed out, the loop stops and aborts the work', async () => {
    const flow = spotFlow();
    await flow.startJob('job-abc123', { heartbeatSeconds: 300 });
    flow.clock.advanceSeconds(301);
    const gone: string[] = [];

    const beat = flow.workerOn().startHeartbeat({ intervalMs: 5, onGone: (e) => gone.push(e.type) });
    await beat.ended;

    expect(beat.signal.aborted).toBe(true);
    expect(gone).toEqual(['WorkflowGone']);
    expect(flow.sfn.calls.heartbeat).toBe(1);
    await beat.stop();
  });

  it('when the task has timed out, the worker stops its instance (no paid compute for a result nobody takes)', async () => {
    const flow = spotFlow();
    await flow.startJob('job-abc123', { heartbeatSeconds: 300 });
    flow.clock.advanceSeconds(301);
    const host = new RecordingWorkerHost();

    const beat = flow.workerOn(0, host).startHeartbeat({ intervalMs: 5 });
    await beat.ended;
    await new Promise((r) => setImmediate(r));

    expect(host.stops).toEqual(['TaskTimedOut']);
    expect(flow.log.messages()).toContain('Task gone; stopping the instance');
  });

  it('when its execution was stopped, or its mapping abandoned, the worker stops its instance too', async () => {
    const aborted = spotFlow();
    const taskToken = await aborted.startJob();
    aborted.sfn.abortExecution(aborted.sfn.task(taskToken)!.execution);
    const abandoned = spotFlow();
    await abandoned.startJob();
    const mapping = abandoned.mappings.all()[0]!;
    (await abandoned.mappings.abandon(abandon(mapping, 'ExecutionAborted', abandoned.clock.now())._unsafeUnwrap()))._unsafeUnwrap();
    const [hostA, hostB] = [new RecordingWorkerHost(), new RecordingWorkerHost()];

    await Promise.all([
      aborted.workerOn(0, hostA).startHeartbeat({ intervalMs: 5 }).ended,
      abandoned.workerOn(0, hostB).startHeartbeat({ intervalMs: 5 }).ended,
    ]);
    await new Promise((r) => setImmediate(r));

    expect(hostA.stops).toEqual(['TaskTimedOut']);
    expect(hostB.stops).toEqual(['ExecutionAborted']);
    expect(abandoned.sfn.calls.heartbeat).toBe(0);
  });

  it('does not stop the instance while the task waits, nor after it reported', async () => {
    const flow = spotFlow();
    await flow.startJob();
    const host = new RecordingWorkerHost();

    const run = await runWorker(flow.workerOn(0, host), async () => ({ ok: true }), { heartbeatIntervalMs: 5 });

    expect(run.delivery.isOk()).toBe(true);
    expect(host.stops).toEqual([]);
  });

  it("a RunPod mapping's callback token cannot heartbeat a task through the worker path", async () => {
    const flow = spotFlow();
    const taskToken = flow.sfn.startTask({ timeoutSeconds: 3600, heartbeatSeconds: 300 });
    const callbackToken = 'f'.repeat(64);
    (await flow.mappings.create(newCallbackMapping({ callbackToken, taskToken, channel: 'runpod', now: flow.clock.now() })))._unsafeUnwrap();
    const impostor = createWorker({
      jobId: 'runpod-job-1',
      access: { kind: 'callback', callbackToken, mappings: flow.mappings },
      taskTokens: flow.sfn,
      clock: flow.clock,
      log: flow.log,
      metrics: flow.metrics,
    });

    const beat = await impostor.sendHeartbeat();

    expect(beat.isErr() && beat.error.type).toBe('CallbackNotFound');
    expect(flow.sfn.calls.heartbeat).toBe(0);
  });

  it('PowerOffWorkerHost powers the machine off with shutdown -h now', async () => {
    const ran: string[] = [];
    const host = new PowerOffWorkerHost(async (command, args) => void ran.push([command, ...args].join(' ')));

    await host.stop('TaskTimedOut');

    expect(ran).toEqual(['shutdown -h now']);
  });

  it('with the task token in user-data (opt-in), reports go straight to Step Functions', async () => {
    const flow = spotFlow({ optIn: true });
    const taskToken = await flow.startJob();

    const run = await runWorker(flow.workerOn(), async () => ({ youtube_url: 'u' }));

    expect(run.delivery._unsafeUnwrap()).toEqual({ type: 'Resumed' });
    expect(flow.sfn.task(taskToken)!.state).toBe('succeeded');
    expect(flow.mappings.all()).toEqual([]);
  });

  it('opt-in: retries while Step Functions is unreachable', async () => {
    const flow = spotFlow({ optIn: true });
    const taskToken = await flow.startJob();
    flow.sfn.failNext(2);

    const r = await flow.workerOn().reportSuccess({ job_id: 'job-abc123' });

    expect(r._unsafeUnwrap()).toEqual({ type: 'Resumed' });
    expect(flow.sfn.task(taskToken)!.state).toBe('succeeded');
  });

  it('never logs a token whole', async () => {
    const flow = spotFlow();
    const taskToken = await flow.startJob();
    await runWorker(flow.workerOn(), async () => ({}));
    const text = JSON.stringify(flow.log.records);
    expect(text).not.toContain(taskToken);
    expect(text).not.toContain(flow.mappings.all()[0]!.callbackToken);
  });
});

describe('errorName', () => {
  it('uses the name, else the class name, else the fallback', () => {
    class Named extends Error {
      override name = 'RenderTimeout';
    }
    expect(errorName(new Named('x'), 'RenderError')).toBe('RenderTimeout');
    expect(errorName(new YouTubeQuotaError('x'), 'UploadError')).toBe('YouTubeQuotaError');
    expect(errorName(new TypeError('x'), 'RenderError')).toBe('TypeError');
    expect(errorName(new Error('x'), 'RenderError')).toBe('RenderError');
    expect(errorName('a string', 'RenderError')).toBe('RenderError');
  });
});
