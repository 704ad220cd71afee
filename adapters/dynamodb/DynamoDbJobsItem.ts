import type { Job, JobMetadata, JobStatus } from '../../domain/jobs/Job.js';

/**
 * The jobs table's item. Attribute names are snake_case; `error_message`, `failed_at` and
 * `failed_state` are the names seed 003's handle-error writes.
 */
export interface JobItem {
  job_id: string;
  status: JobStatus;
  version: number;
  spec: JobMetadata;
  metadata: JobMetadata;
  submitted_at: string;
  updated_at: string;
  started_at?: string;
  completed_at?: string;
  failed_at?: string;
  attempts: number;
  max_attempts: number;
  output?: { s3_uri: string; duration?: number; size?: number };
  error_message?: string;
  error_type?: string;
  failed_state?: string;
  ttl: number;
}

/** Attributes a job may lack; an update REMOVEs those the new job does not have. */
export const OPTIONAL_JOB_ATTRIBUTES = [
  'started_at',
  'completed_at',
  'failed_at',
  'output',
  'error_message',
  'error_type',
  'failed_state',
] as const;

/**
 * Idempotency keys share the table: an item keyed `idempotency#<key>` names the job it made.
 * Job ids never contain `#` where they come from outside (GetJobStatus takes UUIDs only).
 */
export const IDEMPOTENCY_PREFIX = 'idempotency#';

export interface IdempotencyItem {
  job_id: string;
  kind: 'idempotency';
  target_job_id: string;
  ttl: number;
}

export function toJobItem(job: Job): JobItem {
  return {
    job_id: job.jobId,
    status: job.status,
    version: job.version,
    spec: job.spec,
    metadata: job.metadata,
    submitted_at: job.submittedAt,
    updated_at: job.updatedAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    failed_at: job.failedAt,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    output: job.output && {
      s3_uri: job.output.s3Uri,
      duration: job.output.duration,
      size: job.output.size,
    },
    error_message: job.error?.message,
    error_type: job.error?.type,
    failed_state: job.error?.state,
    ttl: job.ttl,
  };
}

/** The one partition of the sparse `unqueued` index (only jobs between record and send are in it). */
export const UNQUEUED = 'UNQUEUED';

/** A new job's item: a `submitted` one enters the `unqueued` index until its send is confirmed. */
export function newJobItem(job: Job): JobItem & { unqueued_pk?: string } {
  return job.status === 'submitted' ? { ...toJobItem(job), unqueued_pk: UNQUEUED } : toJobItem(job);
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function fromJobItem(item: JobItem): Job {
  const error =
    item.error_message === undefined
      ? undefined
      : defined({ message: item.error_message, type: item.error_type, state: item.failed_state });
  const output =
    item.output === undefined
      ? undefined
      : defined({
          s3Uri: item.output.s3_uri,
          duration: item.output.duration === undefined ? undefined : Number(item.output.duration),
          size: item.output.size === undefined ? undefined : Number(item.output.size),
        });
  return defined({
    jobId: item.job_id,
    status: item.status,
    version: Number(item.version),
    spec: item.spec ?? {},
    metadata: item.metadata ?? {},
    submittedAt: item.submitted_at,
    updatedAt: item.updated_at,
    startedAt: item.started_at,
    completedAt: item.completed_at,
    failedAt: item.failed_at,
    attempts: Number(item.attempts ?? 0),
    maxAttempts: Number(item.max_attempts ?? 1),
    output,
    error,
    ttl: Number(item.ttl),
  }) as Job;
}
