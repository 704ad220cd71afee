import { describe, expect, it } from 'vitest';
import { InMemoryDispatches } from '../../adapters/memory/InMemoryDispatches.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { RecordTaskStopped } from '../../application/dispatch/RecordTaskStopped.js';
import { UpdateJobStatus } from '../../application/jobs/UpdateJobStatus.js';
import { launched, type Dispatch } from '../../domain/dispatch/Dispatch.js';
import { ecsTaskStateHandler, taskStopped } from '../../entrypoints/handlers/ecsTaskState.js';
import { aDispatch, at, T0 } from './builders.js';

const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/recorders/4f2a';

function world() {
  const dispatches = new InMemoryDispatches();
  const clock = new ManualClock(at(600));
  const log = new RecordingLog();
  const metrics = new InMemoryMetrics();
  const update = new UpdateJobStatus({ jobs: dispatches.asJobs(), clock, log, metrics });
  const useCase = new RecordTaskStopped({ dispatches, updateJobStatus: update, log, metrics });
  const running = async (): Promise<Dispatch> => {
    const d = aDispatch();
    (await dispatches.create(d))._unsafeUnwrap();
    const up = launched(d, TASK, at(1))._unsafeUnwrap();
    (await dispatches.replace(d, up))._unsafeUnwrap();
    return up;
  };
  return { dispatches, useCase, log, metrics, running, handler: ecsTaskStateHandler(useCase, log) };
}

/** An EventBridge ECS Task State Change, as AWS sends it (trimmed to what matters). */
function stoppedEvent(jobId: string, overrides: { taskArn?: string; exitCode?: number | null; stoppedReason?: string; stopCode?: string; lastStatus?: string } = {}) {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: '123456789012',
    time: T0.toISOString(),
    region: 'us-east-1',
    resources: [overrides.taskArn ?? TASK],
    detail: {
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/recorders',
      taskArn: overrides.taskArn ?? TASK,
      lastStatus: overrides.lastStatus ?? 'STOPPED',
      desiredStatus: 'STOPPED',
      startedBy: 'baton-dispatch',
      stopCode: overrides.stopCode ?? 'EssentialContainerExited',
      stoppedReason: overrides.stoppedReason ?? 'Essential container in task exited',
      containers: [{ name: 'recorder', exitCode: overrides.exitCode === undefined ? 0 : overrides.exitCode, lastStatus: 'STOPPED' }],
      overrides: { containerOverrides: [{ name: 'recorder', environment: [{ name: 'JOB_ID', value: jobId }, { name: 'SOURCE_URL', value: 'https://example.com/stream' }] }] },
    },
  };
}

describe('ecs-task-state: a stopped task settles its dispatch job', () => {
  it('completes the job when the job container exited 0, with its key prefix as output', async () => {
    const w = world();
    const d = await w.running();

    const answer = await w.handler(stoppedEvent(d.job.jobId));

    expect(answer).toMatchObject({ type: 'Recorded', job: { status: 'completed', output: { s3Uri: `s3://recordings-bucket/recordings/${d.job.jobId}/` } } });
    const stored = (await w.dispatches.find(d.job.jobId))!;
    expect(stored.job.status).toBe('completed');
    expect(stored.launch.taskArn).toBe(TASK);
  });

  it('fails the job with ECS\'s stoppedReason and the exit code', async () => {
    const w = world();
    const d = await w.running();

    await w.handler(stoppedEvent(d.job.jobId, { exitCode: 137, stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' }));

    expect((await w.dispatches.find(d.job.jobId))!.job).toMatchObject({
      status: 'failed',
      error: { type: 'SpotInterruption', message: 'Your Spot Task was interrupted.; container recorder exit code 137' },
    });
  });

  it('is idempotent: the same event twice, or after the container reported itself, changes nothing', async () => {
    const w = world();
    const d = await w.running();
    await w.handler(stoppedEvent(d.job.jobId));
    const after = (await w.dispatches.find(d.job.jobId))!;

    const again = await w.handler(stoppedEvent(d.job.jobId, { exitCode: 1 }));

    expect(again).toMatchObject({ type: 'AlreadyFinal' });
    expect((await w.dispatches.find(d.job.jobId))).toEqual(after);
  });

  it('ignores a stopped task the record does not name (a duplicate Baton stopped)', async () => {
    const w = world();
    const d = await w.running();

    const answer = await w.handler(stoppedEvent(d.job.jobId, { taskArn: `${TASK}-duplicate`, exitCode: 143, stopCode: 'UserInitiated' }));

    expect(answer).toEqual({ type: 'NotTheJobsTask', recordedTaskArn: TASK });
    expect((await w.dispatches.find(d.job.jobId))!.job.status).toBe('processing');
  });

  it('settles a job whose launch record never got the task ARN (still submitted)', async () => {
    const w = world();
    const d = aDispatch();
    (await w.dispatches.create(d))._unsafeUnwrap();

    await w.handler(stoppedEvent(d.job.jobId));

    expect((await w.dispatches.find(d.job.jobId))!.job.status).toBe('completed');
  });

  it('ignores events that are not a stopped Baton task, without throwing', async () => {
    const w = world();

    expect(await w.handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toMatchObject({ type: 'Ignored' });
    expect(await w.handler(stoppedEvent('job-x', { lastStatus: 'RUNNING' }))).toMatchObject({ type: 'Ignored' });
    expect(await w.handler(null)).toMatchObject({ type: 'Ignored' });
    expect(await w.handler(stoppedEvent('job-unknown'))).toEqual({ type: 'UnknownJob' });
  });

  it('reads the job id from the JOB_ID override and every container', () => {
    expect(taskStopped(stoppedEvent('job-7', { exitCode: null }))).toEqual({
      jobId: 'job-7',
      taskArn: TASK,
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited',
      containers: [{ name: 'recorder' }],
    });
  });
});
