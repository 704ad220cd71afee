import type { CallbackChannel, CallbackMapping, CallbackStatus } from '../../domain/callbacks/CallbackMapping.js';
import type { CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';

/** The callbacks table's item, attribute names as in seeds 000/001 plus Baton's own. */
export interface CallbackItem {
  callback_token: string;
  task_token: string;
  job_id?: string;
  exec_id?: string;
  segment_filename?: string;
  channel?: CallbackChannel;
  status: CallbackStatus;
  created_at: string;
  expires_at: string;
  ttl: number;
  accepted_at?: string;
  completed_at?: string;
  /** The outcome reported by the work (seed 001's `result`). */
  result?: { outcome: 'success'; output: string } | { outcome: 'failure'; error: string; cause: string };
  gone_reason?: string;
  /** Step Functions' permanent refusal of the resume, when REFUSED. */
  refusal?: string;
  execution_arn?: string;
  instance_id?: string;
  /** Present only while ACCEPTED: puts the item in the sparse `redrive` index. */
  redrive_pk?: string;
  /** Present only while PENDING on the RunPod channel: puts the item in the sparse `reconcile` index. */
  reconcile_pk?: string;
  /** Epoch milliseconds until which a redrive run holds the right to resume. */
  lease_until?: number;
}

export const REDRIVE_PARTITION = 'ACCEPTED';

/**
 * The `reconcile` index's partition for a new PENDING RunPod mapping. One value today; a
 * sharded scheme returns `PENDING#n` from the token here and lists every shard below.
 */
export function reconcilePartition(_callbackToken: string): string {
  return 'PENDING';
}

/** Every partition a reconcile run reads, in order. */
export const RECONCILE_PARTITIONS: readonly string[] = ['PENDING'];

/** Whether a mapping belongs in the `reconcile` index when written as it is. */
export function reconciles(m: CallbackMapping): boolean {
  return m.status === 'PENDING' && m.channel === 'runpod';
}

export function toResult(outcome: CallbackOutcome): NonNullable<CallbackItem['result']> {
  return outcome.kind === 'success'
    ? { outcome: 'success', output: outcome.output }
    : { outcome: 'failure', error: outcome.error, cause: outcome.cause };
}

export function toItem(m: CallbackMapping): CallbackItem {
  return {
    callback_token: m.callbackToken,
    task_token: m.taskToken,
    job_id: m.jobId,
    exec_id: m.execId,
    segment_filename: m.segmentFilename,
    channel: m.channel,
    status: m.status,
    created_at: m.createdAt,
    expires_at: m.expiresAt,
    ttl: m.ttl,
    accepted_at: m.acceptedAt,
    completed_at: m.completedAt,
    result: m.outcome && toResult(m.outcome),
    gone_reason: m.goneReason,
    refusal: m.refusal,
    execution_arn: m.executionArn,
    instance_id: m.instanceId,
    reconcile_pk: reconciles(m) ? reconcilePartition(m.callbackToken) : undefined,
  };
}

export function fromItem(item: CallbackItem): CallbackMapping {
  const r = item.result;
  const outcome: CallbackOutcome | undefined =
    r === undefined
      ? undefined
      : r.outcome === 'success'
        ? { kind: 'success', output: r.output }
        : { kind: 'failure', error: r.error, cause: r.cause };
  return {
    callbackToken: item.callback_token,
    taskToken: item.task_token,
    ...(item.job_id === undefined ? {} : { jobId: item.job_id }),
    ...(item.exec_id === undefined ? {} : { execId: item.exec_id }),
    ...(item.segment_filename === undefined ? {} : { segmentFilename: item.segment_filename }),
    ...(item.channel === undefined ? {} : { channel: item.channel }),
    status: item.status,
    createdAt: item.created_at,
    expiresAt: item.expires_at,
    ttl: Number(item.ttl),
    ...(item.accepted_at === undefined ? {} : { acceptedAt: item.accepted_at }),
    ...(item.completed_at === undefined ? {} : { completedAt: item.completed_at }),
    ...(outcome === undefined ? {} : { outcome }),
    ...(item.gone_reason === undefined ? {} : { goneReason: item.gone_reason }),
    ...(item.refusal === undefined ? {} : { refusal: item.refusal }),
    ...(item.execution_arn === undefined ? {} : { executionArn: item.execution_arn }),
    ...(item.instance_id === undefined ? {} : { instanceId: item.instance_id }),
  };
}
