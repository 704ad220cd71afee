import { expect, it } from 'vitest';
import { GetJobStatus } from '../../application/jobs/GetJobStatus.js';
import { SubmitJob } from '../../application/jobs/SubmitJob.js';
import { UpdateJobStatus } from '../../application/jobs/UpdateJobStatus.js';
import { InMemoryJobQueue } from '../../adapters/memory/InMemoryJobQueue.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemoryOutputUrls } from '../../adapters/memory/InMemoryOutputUrls.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { SequentialIds } from '../../adapters/memory/SequentialIds.js';

// The README's job API snippet, compiled and run: submit, a processor's reports, the status.
it('README: the job API on in-memory adapters', async () => {
  const jobs = new InMemoryJobs();
  const queue = new InMemoryJobQueue();
  const clock = new ManualClock();
  const log = new RecordingLog();
  const metrics = new InMemoryMetrics();
  const submitJob = new SubmitJob(jobs, queue, new SequentialIds(), clock, log, metrics);
  const updateJobStatus = new UpdateJobStatus(jobs, clock, log, metrics);
  const getJobStatus = new GetJobStatus(jobs, new InMemoryOutputUrls('video-outputs'), clock);

  const submitted = await submitJob.execute({
    spec: { jobInfo: { projectId: 'example' }, output: { filename: 'video.mp4' } },
    idempotencyKey: 'order-42',
  });
  const { jobId } = queue.take()!; // what a processor receives

  await updateJobStatus.execute({ jobId, change: { status: 'processing' } });
  const done = await updateJobStatus.execute({
    jobId,
    change: { status: 'completed', output: { s3Uri: `s3://video-outputs/${jobId}.mp4`, duration: 42, size: 1_000_000 } },
  });
  const late = await updateJobStatus.execute({ jobId, change: { status: 'processing' } });
  const view = await getJobStatus.execute({ jobId });

  expect(submitted._unsafeUnwrap().job.status).toBe('submitted');
  expect(done._unsafeUnwrap().status).toBe('completed');
  expect(late.isErr() && late.error.type).toBe('JobStatusRefused'); // never backwards
  expect(view._unsafeUnwrap().output.url).toContain(`${jobId}.mp4`);
});
