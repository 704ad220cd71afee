import type { ResultAsync } from 'neverthrow';
import type { Job } from '../../domain/jobs/Job.js';

/** The queue refused the job or could not be reached (after the SDK's own retries). */
export interface JobQueueUnavailable {
  readonly type: 'JobQueueUnavailable';
  readonly cause?: unknown;
}

/** What a processor receives for each job: enough to fetch the job and do the work. */
export interface JobMessage {
  readonly jobId: string;
  readonly spec: Readonly<Record<string, unknown>>;
  readonly submittedAt: string;
  /** Where the processor should write its output (the bucket GetJobStatus presigns in), when configured. */
  readonly outputBucket?: string;
}

/** Hands jobs to processors (SQS in AWS). */
export interface JobQueue {
  enqueue(job: Job): ResultAsync<void, JobQueueUnavailable>;
}

export function jobMessage(job: Job, outputBucket?: string): JobMessage {
  return {
    jobId: job.jobId,
    spec: job.spec,
    submittedAt: job.submittedAt,
    ...(outputBucket === undefined ? {} : { outputBucket }),
  };
}
