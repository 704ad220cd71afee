import type { Job, JobMetadata, JobStatus } from '../../domain/jobs/Job.js';
import { fnv1a32 } from './callbackItem.js';

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

/**
 * Shards of the jobs table's sparse `unqueued` index (only jobs between record and send are in
 * it). Every submit writes it twice (the record adds `unqueued_pk`, the confirmed send removes
 * it), so one constant key put every submit on one index partition. A code constant, not a
 * setting: 16 partitions hold ~8,000 submits/s, past the job API's other limits. Like
 * CALLBACK_INDEX_SHARDS it may grow, never shrink.
 */
export const UNQUEUED_SHARDS = 16;
/** The partition jobs recorded before sharding hold; the sweeper still reads it. */
export const LEGACY_UNQUEUED_PARTITION = 'UNQUEUED';

/** The `unqueued` partition of a new `submitted` job: `UNQUEUED#n`, n = FNV-1a of the job id mod UNQUEUED_SHARDS. */
export function unqueuedPartition(jobId: string): string {
  return `UNQUEUED#${fnv1a32(jobId) % UNQUEUED_SHARDS}`;
}

/** Every partition of the `unqueued` index a writer can produce, shard 0 first. */
export function unqueuedPartitions(): string[] {
  return Array.from({ length: UNQUEUED_SHARDS }, (_, n) => `UNQUEUED#${n}`);
}

/** A new job's item: a `submitted` one enters its shard of the `unqueued` index until its send is confirmed. */
export function newJobItem(job: Job): JobItem & { unqueued_pk?: string } {
  return job.status === 'submitted' ? { ...toJobItem(job), unqueued_pk: unqueuedPartition(job.jobId) } : toJobItem(job);
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
