// The job API on in-memory adapters: submit, a processor's reports, the status a client polls.
// A late report can never move the job backwards.
import { GetJobStatus, SubmitJob, UpdateJobStatus } from '../index.js';
import {
  InMemoryJobQueue,
  InMemoryJobs,
  InMemoryMetrics,
  InMemoryOutputUrls,
  ManualClock,
  RecordingLog,
  SequentialIds,
} from '../exports/testing.js';

export async function main() {
  const jobs = new InMemoryJobs();
  const queue = new InMemoryJobQueue();
  const clock = new ManualClock();
  const [log, metrics] = [new RecordingLog(), new InMemoryMetrics()];
  const submitJob = new SubmitJob({ jobs, queue, ids: new SequentialIds(), clock, log, metrics });
  const updateJobStatus = new UpdateJobStatus({ jobs, clock, log, metrics });
  const getJobStatus = new GetJobStatus({ jobs, outputUrls: new InMemoryOutputUrls('video-outputs'), clock });

  const submitted = await submitJob.execute({
    spec: { jobInfo: { projectId: 'example' }, output: { filename: 'video.mp4' } },
    idempotencyKey: 'order-42',
  });
  const { jobId } = queue.take()!; // what a processor receives

  const started = await updateJobStatus.execute({ jobId, change: { status: 'processing' } });
  if (started.isErr()) throw new Error(`report refused: ${started.error.type}`);
  const attempt = started.value.attempts; // name it in later reports
  const done = await updateJobStatus.execute({
    jobId,
    change: { status: 'completed', attempt, output: { s3Uri: `s3://video-outputs/${jobId}.mp4`, duration: 42, size: 1_000_000 } },
  });
  const late = await updateJobStatus.execute({ jobId, change: { status: 'processing' } });
  const view = await getJobStatus.execute({ jobId });
  if (view.isErr()) throw new Error(`no status: ${view.error.type}`);

  return {
    jobId,
    submitted: submitted.match((s) => s.job.status, (e) => e.type), // 'submitted'
    done: done.match((j) => j.status, (e) => e.type), // 'completed'
    late: late.isErr() ? late.error.type : 'applied', // 'JobStatusRefused': never backwards
    status: view.value.status, // 'completed'
    url: view.value.output.url, // a presigned GET of s3://video-outputs/<jobId>.mp4
  };
}
