import type { Dispatch, LaunchFailureRecord } from '../../domain/dispatch/Dispatch.js';
import type { AllowedScheme, SourceKind } from '../../domain/dispatch/JobSource.js';
import { fromJobItem, toJobItem, type JobItem } from './DynamoDbJobsItem.js';

/**
 * A dispatch in the jobs table (key `job_id`): the job's attributes exactly as the job API
 * (002) writes them, so `DynamoDbJobs` and `UpdateJobStatus` read and move a dispatched job
 * (the worker reports `completed` that way), plus the launch attributes, the dispatch's alone
 * (their updates leave attributes they do not know untouched).
 */
export interface DispatchItem extends JobItem {
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
  const { source, target, launch } = d;
  return {
    ...toJobItem(d.job),
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
function opt<K extends string, V>(key: K, value: V | undefined | null): { [P in K]?: V } {
  return (value === undefined || value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

export function fromDispatchItem(item: DispatchItem): Dispatch {
  return {
    job: fromJobItem(item),
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
