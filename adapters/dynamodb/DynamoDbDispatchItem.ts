import type { Dispatch, LaunchFailureRecord } from '../../domain/dispatch/Dispatch.js';
import type { SourceKind, AllowedScheme } from '../../domain/dispatch/JobSource.js';
import type { JobError, JobMetadata, JobOutput, JobStatus } from '../../domain/jobs/Job.js';

/**
 * A dispatch in the jobs table (key `job_id`). The job's own attributes are named as the job
 * API (002) names them, so its status readers and updaters work on a dispatch table too; the
 * launch attributes are the dispatch's alone.
 */
export interface DispatchItem {
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
  output?: JobOutput;
  error?: JobError;
  ttl: number;
  source_url: string;
  source_kind: SourceKind;
  source_scheme: AllowedScheme;
  task_definition: string;
  container_name: string;
  s3_bucket: string;
  s3_key_prefix: string;
  launch_attempt: number;
  launch_settled: boolean;
  lease_until?: string;
  task_arn?: string;
  launched_at?: string;
  last_launch_failure?: LaunchFailureRecord;
}

export function toDispatchItem(d: Dispatch): DispatchItem {
  const { job, source, target, launch } = d;
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
    output: job.output,
    error: job.error,
    ttl: job.ttl,
    source_url: source.url,
    source_kind: source.kind,
    source_scheme: source.scheme,
    task_definition: target.taskDefinition,
    container_name: target.containerName,
    s3_bucket: target.bucket,
    s3_key_prefix: target.keyPrefix,
    launch_attempt: launch.attempt,
    launch_settled: launch.settled,
    lease_until: launch.leaseUntil,
    task_arn: launch.taskArn,
    launched_at: launch.launchedAt,
    last_launch_failure: launch.lastFailure,
  };
}

/** Optional attributes come back only when present, so a round trip is exact. */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined || value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

export function fromDispatchItem(item: DispatchItem): Dispatch {
  return {
    job: {
      jobId: item.job_id,
      status: item.status,
      version: Number(item.version),
      spec: item.spec ?? {},
      metadata: item.metadata ?? {},
      submittedAt: item.submitted_at,
      updatedAt: item.updated_at,
      ...opt('startedAt', item.started_at),
      ...opt('completedAt', item.completed_at),
      ...opt('failedAt', item.failed_at),
      attempts: Number(item.attempts),
      maxAttempts: Number(item.max_attempts),
      ...opt('output', item.output),
      ...opt('error', item.error),
      ttl: Number(item.ttl),
    },
    source: { url: item.source_url, kind: item.source_kind, scheme: item.source_scheme },
    target: {
      taskDefinition: item.task_definition,
      containerName: item.container_name,
      bucket: item.s3_bucket,
      keyPrefix: item.s3_key_prefix,
    },
    launch: {
      attempt: Number(item.launch_attempt),
      settled: Boolean(item.launch_settled),
      ...opt('leaseUntil', item.lease_until),
      ...opt('taskArn', item.task_arn),
      ...opt('launchedAt', item.launched_at),
      ...opt('lastFailure', item.last_launch_failure),
    },
  };
}
