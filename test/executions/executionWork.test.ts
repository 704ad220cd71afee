import { err } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { InMemoryExecutions } from '../../adapters/memory/InMemoryExecutions.js';
import { InMemorySpotInstances } from '../../adapters/memory/InMemorySpotInstances.js';
import { InMemoryWorkerInstances } from '../../adapters/memory/InMemoryWorkerInstances.js';
import { RecordingWorkerHost } from '../../adapters/memory/RecordingWorkerHost.js';
import { StopExecutionWork } from '../../application/executions/StopExecutionWork.js';
import { SweepWorkerInstances } from '../../application/executions/SweepWorkerInstances.js';
import { LaunchWorker } from '../../application/launch/LaunchWorker.js';
import { readWorkerEnvironment } from '../../domain/launch/userDataScript.js';
import { createWorker } from '../../entrypoints/worker/createWorker.js';
import { callbackHarness } from '../callbacks/callbackHarness.js';
import { aLaunchSettings } from '../launch/builders.js';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:manga-pipeline:run-1';
const OTHER = 'arn:aws:states:us-east-1:123456789012:execution:manga-pipeline:run-2';

/** The callback flow plus Spot workers, each task of an execution named by ARN. */
function world() {
  const h = callbackHarness();
  const spot = new InMemorySpotInstances();
  const workers = new InMemoryWorkerInstances(spot, h.clock);
  const executions = new InMemoryExecutions();
  const launch = new LaunchWorker(
    {
      reportChannel: { kind: 'callbacksTable', tableName: 'baton-callbacks', mappings: h.mappings },
      spotInstances: spot,
      ids: h.ids,
      clock: h.clock,
      log: h.log,
      metrics: h.metrics,
    },
    aLaunchSettings(),
  );
  const stop = new StopExecutionWork({
    mappings: h.mappings,
    gpuJobs: h.gpuJobs,
    workerInstances: workers,
    clock: h.clock,
    log: h.log,
    metrics: h.metrics,
  });
  const sweep = new SweepWorkerInstances(
    {
      workerInstances: workers,
      executions,
      clock: h.clock,
      log: h.log,
      metrics: h.metrics,
    },
    { maxAgeSeconds: 10_800 },
  );

  async function segment(executionArn: string) {
    const taskToken = h.sfn.startTask({ execution: executionArn, timeoutSeconds: 7200 });
    const out = (
      await h.submit.execute({
        task_token: taskToken,
        exec_id: 'e',
        execution_arn: executionArn,
        segment: { filename: 'f', input_key: 'i', output_key: 'o' },
        bucket: 'my-bucket',
      })
    )._unsafeUnwrap();
    return { taskToken, callbackToken: out.callback_token, jobId: out.job_id };
  }

  async function renderer(executionArn: string | undefined) {
    const taskToken = h.sfn.startTask({ execution: executionArn ?? 'no-arn', timeoutSeconds: 7200, heartbeatSeconds: 900 });
    const launched = (
      await launch.execute({ job_id: 'job-abc123', task_token: taskToken, ...(executionArn ? { execution_arn: executionArn } : {}) })
    )._unsafeUnwrap();
    return { taskToken, instanceId: launched.instanceId };
  }

  return { h, spot, workers, executions, stop, sweep, segment, renderer };
}

describe('StopExecutionWork (an execution ended ABORTED, TIMED_OUT or FAILED)', () => {
  it("cancels its RunPod jobs, abandons its mappings and terminates its instances, none of another execution's", async () => {
    const w = world();
    const [a, b] = [await w.segment(ARN), await w.segment(ARN)];
    const other = await w.segment(OTHER);
    const render = await w.renderer(ARN);
    const otherRender = await w.renderer(OTHER);

    const report = (await w.stop.execute({ executionArn: ARN, status: 'ABORTED' }))._unsafeUnwrap();

    expect(report).toEqual({ ignored: false, abandoned: 3, jobsCancelled: 2, instancesTerminated: 1 });
    expect(w.h.gpuJobs.cancelled.sort()).toEqual([a.jobId, b.jobId].sort());
    expect(w.workers.terminated).toEqual([render.instanceId]);
    expect(w.workers.isRunning(otherRender.instanceId)).toBe(true);
    const byToken = new Map(w.h.mappings.all().map((m) => [m.callbackToken, m]));
    expect(byToken.get(a.callbackToken)).toMatchObject({ status: 'ABANDONED', goneReason: 'ExecutionAborted' });
    expect(byToken.get(other.callbackToken)!.status).toBe('PENDING');
    expect(w.h.metrics.get('RunPodJobsCancelled')).toBe(2);
    expect(w.h.metrics.get('SpotWorkersTerminated')).toBe(1);
  });

  it('answers a webhook that comes after with 410, and a worker that beats after stops its host', async () => {
    const w = world();
    const s = await w.segment(ARN);
    await w.renderer(ARN);
    (await w.stop.execute({ executionArn: ARN, status: 'TIMED_OUT' }))._unsafeUnwrap();
    const env = readWorkerEnvironment(w.spot.instances[0]!.request.userData);
    const host = new RecordingWorkerHost();
    const worker = createWorker({
      jobId: 'job-abc123',
      access: { kind: 'callback', callbackToken: env.get('CALLBACK_TOKEN')!, mappings: w.h.mappings },
      taskTokens: w.h.sfn,
      clock: w.h.clock,
      log: w.h.log,
      metrics: w.h.metrics,
      host,
    });

    const late = await w.h.webhook.execute({ callbackToken: s.callbackToken, body: { id: s.jobId, status: 'COMPLETED', output: {} } });
    await worker.startHeartbeat({ intervalMs: 5 }).ended;
    await new Promise((r) => setImmediate(r));

    expect(late.isErr() && late.error.type).toBe('CallbackGone');
    expect(host.stops).toEqual(['ExecutionTimedOut']);
  });

  it('leaves finished work alone and is safe to repeat (EventBridge delivers at least once)', async () => {
    const w = world();
    const done = await w.segment(ARN);
    (await w.h.webhook.execute({ callbackToken: done.callbackToken, body: { id: done.jobId, status: 'COMPLETED', output: {} } }))._unsafeUnwrap();
    await w.segment(ARN);

    const first = (await w.stop.execute({ executionArn: ARN, status: 'FAILED' }))._unsafeUnwrap();
    const again = (await w.stop.execute({ executionArn: ARN, status: 'FAILED' }))._unsafeUnwrap();

    expect(first).toMatchObject({ abandoned: 1, jobsCancelled: 1 });
    expect(again).toMatchObject({ abandoned: 0, jobsCancelled: 0, instancesTerminated: 0 });
    expect(w.h.mappings.all().find((m) => m.callbackToken === done.callbackToken)!.status).toBe('COMPLETED');
  });

  it('ignores executions that did not end badly, and refuses a malformed event', async () => {
    const w = world();
    await w.segment(ARN);

    expect((await w.stop.execute({ executionArn: ARN, status: 'SUCCEEDED' }))._unsafeUnwrap().ignored).toBe(true);
    expect((await w.stop.execute({ executionArn: 'not-an-arn', status: 'ABORTED' })).isErr()).toBe(true);
    expect(w.h.mappings.all()[0]!.status).toBe('PENDING');
    expect(await w.stop.execute(null)).toEqual(err(expect.objectContaining({ type: 'InvalidInput' })));
  });
});

describe('SweepWorkerInstances (workers that never beat)', () => {
  it('terminates instances whose execution no longer runs, or that outlived every task, and nothing else', async () => {
    const w = world();
    const ended = await w.renderer(ARN);
    const live = await w.renderer(OTHER);
    const untagged = await w.renderer(undefined);
    w.executions.set(ARN, 'ABORTED').set(OTHER, 'RUNNING');

    const first = await w.sweep.execute();
    w.h.clock.advanceSeconds(10_801);
    const later = await w.sweep.execute();

    expect(first).toEqual({ running: 3, executionEnded: 1, tooOld: 0 });
    expect(later).toEqual({ running: 2, executionEnded: 0, tooOld: 2 });
    expect(w.workers.terminated).toEqual([ended.instanceId, live.instanceId, untagged.instanceId]);
    expect(w.h.sfn.calls.heartbeat).toBe(0); // never probes a task: that would reset HeartbeatSeconds
  });

  it('terminates the instance of an execution Step Functions does not know', async () => {
    const w = world();
    const unknown = await w.renderer('arn:aws:states:us-east-1:123456789012:execution:manga-pipeline:deleted');

    await w.sweep.execute();

    expect(w.workers.terminated).toEqual([unknown.instanceId]);
  });
});
