import { processingTime, type Job, type JobStatus } from '../../domain/jobs/Job.js';

/** The job API's answer (seed 002), camelCase, every key always present. */
export interface JobStatusView {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly submittedAt: string;
  readonly updatedAt: string;
  readonly completedAt: string | null;
  readonly processingTime: number | null;
  readonly output: {
    readonly url: string | null;
    readonly urlExpiresAt: string | null;
    readonly s3Uri: string | null;
    readonly duration: number | null;
    readonly size: number | null;
  };
  readonly error: { readonly type: string | null; readonly message: string; readonly state: string | null } | null;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface OutputLink {
  readonly url: string;
  readonly expiresAt: string;
}

/**
 * @example
 * jobStatusView(job) // { jobId, status: 'submitted', …, output: { url: null, … }, error: null, metadata: {} }
 */
export function jobStatusView(job: Job, link?: OutputLink): JobStatusView {
  return {
    jobId: job.jobId,
    status: job.status,
    submittedAt: job.submittedAt,
    updatedAt: job.updatedAt,
    completedAt: job.completedAt ?? null,
    processingTime: job.status === 'completed' ? processingTime(job) : null,
    output: {
      url: link?.url ?? null,
      urlExpiresAt: link?.expiresAt ?? null,
      s3Uri: job.output?.s3Uri ?? null,
      duration: job.output?.duration ?? null,
      size: job.output?.size ?? null,
    },
    error: job.error ? { type: job.error.type ?? null, message: job.error.message, state: job.error.state ?? null } : null,
    metadata: job.metadata,
  };
}
