// The root's use-cases on baton/testing's in-memory adapters: what a consumer's own tests do.
import { SubmitJob, UpdateJobStatus } from 'baton';
import { InMemoryJobQueue, InMemoryJobs, InMemoryMetrics, ManualClock, RecordingLog, SequentialIds } from 'baton/testing';

export async function main(): Promise<{ submitted: string; status: string; logged: number }> {
  const jobs = new InMemoryJobs();
  const queue = new InMemoryJobQueue();
  const clock = new ManualClock('2026-01-06T12:00:00Z');
  const [log, metrics] = [new RecordingLog(), new InMemoryMetrics()];
  const submitJob = new SubmitJob({ jobs, queue, ids: new SequentialIds(), clock, log, metrics });
  const updateJobStatus = new UpdateJobStatus({ jobs, clock, log, metrics });

  const submitted = await submitJob.execute({ spec: { jobInfo: { projectId: 'example' }, output: { filename: 'video.mp4' } }, idempotencyKey: 'order-42' });
  if (submitted.isErr()) throw new Error(submitted.error.type);
  const { jobId } = submitted.value.job;
  const done = await updateJobStatus.execute({ jobId, change: { status: 'completed', attempt: 0 } });

  return {
    submitted: submitted.value.job.status,
    status: done.match((job) => job.status, (error) => error.type),
    logged: log.records.length,
  };
}
