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
  /** When a resume ended with every attempt unanswered (it may have reached Step Functions). */
  resume_unanswered_at?: string;
  /** Present only while ACCEPTED: puts the item in the sparse `redrive` index (`ACCEPTED#n`, `redrivePartition`). */
  redrive_pk?: string;
  /** Present only while PENDING on the RunPod channel: puts the item in the sparse `reconcile` index (`PENDING#n`). */
  reconcile_pk?: string;
  /** Epoch milliseconds until which a redrive run holds the right to resume. */
  lease_until?: number;
}

/** How many shards each sparse index of the callbacks table has unless `CALLBACK_INDEX_SHARDS` says otherwise. */
export const DEFAULT_CALLBACK_INDEX_SHARDS = 32;
/**
 * The most shards a deployment may ask for: a reader queries every shard of a page in parallel,
 * and 256 index partitions hold ~256,000 writes/s, far past any other limit Baton meets first.
 */
export const MAX_CALLBACK_INDEX_SHARDS = 256;

/**
 * The partitions tables written before sharding hold (`ACCEPTED`, `PENDING`): readers still read
 * them, so an item written by an older writer (a Lambda mid-deploy, a Python worker on an old
 * image) is never missed. See ARCHITECTURE.md "Sharded sparse indexes".
 */
export const LEGACY_REDRIVE_PARTITION = 'ACCEPTED';
export const LEGACY_RECONCILE_PARTITION = 'PENDING';

const utf8 = new TextEncoder();

/**
 * FNV-1a, 32 bits, over the UTF-8 bytes of `text`: cheap, deterministic and trivially the same in
 * any language (the Python worker has its own copy; both test suites pin the same vectors).
 * Not a cryptographic hash: it only spreads tokens, which are already random, over shards.
 *
 * @example fnv1a32('foobar') === 0xbf9cf968
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // Tokens are ASCII: one byte per character, no allocation. Anything else goes through UTF-8.
    if (code > 0x7f) return fnv1a32Bytes(hash, utf8.encode(text.slice(i)));
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return hash >>> 0;
}

function fnv1a32Bytes(start: number, bytes: Uint8Array): number {
  let hash = start;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

/** The shard (0..shards-1) a callback token's index items live in: `fnv1a32(token) mod shards`. */
export function callbackShard(callbackToken: string, shards: number): number {
  return fnv1a32(callbackToken) % shards;
}

/**
 * The `redrive` index partition a claim writes for `callbackToken`: `ACCEPTED#n`.
 *
 * @example redrivePartition('foobar', 32) === 'ACCEPTED#8'
 */
export function redrivePartition(callbackToken: string, shards: number): string {
  return `ACCEPTED#${callbackShard(callbackToken, shards)}`;
}

/**
 * The `reconcile` index partition a new PENDING RunPod mapping is written with: `PENDING#n`.
 *
 * @example reconcilePartition('foobar', 32) === 'PENDING#8'
 */
export function reconcilePartition(callbackToken: string, shards: number): string {
  return `PENDING#${callbackShard(callbackToken, shards)}`;
}

/** Every partition of the `redrive` index with `shards` shards, shard 0 first. */
export function redrivePartitions(shards: number): string[] {
  return Array.from({ length: shards }, (_, n) => `ACCEPTED#${n}`);
}

/** Every partition of the `reconcile` index with `shards` shards, shard 0 first. */
export function reconcilePartitions(shards: number): string[] {
  return Array.from({ length: shards }, (_, n) => `PENDING#${n}`);
}

/** Whether `shards` is a shard count writers and readers accept: a whole number in 1..MAX_CALLBACK_INDEX_SHARDS. */
export function isCallbackIndexShards(shards: number): boolean {
  return Number.isInteger(shards) && shards >= 1 && shards <= MAX_CALLBACK_INDEX_SHARDS;
}

/** Whether a mapping belongs in the `reconcile` index when written as it is. */
function reconciles(m: CallbackMapping): boolean {
  return m.status === 'PENDING' && m.channel === 'runpod';
}

export function toResult(outcome: CallbackOutcome): NonNullable<CallbackItem['result']> {
  return outcome.kind === 'success'
    ? { outcome: 'success', output: outcome.output }
    : { outcome: 'failure', error: outcome.error, cause: outcome.cause };
}

/** The item a new mapping is stored as; `shards` places a PENDING RunPod mapping in its `reconcile` shard. */
export function toItem(m: CallbackMapping, shards: number): CallbackItem {
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
    resume_unanswered_at: m.resumeUnansweredAt,
    reconcile_pk: reconciles(m) ? reconcilePartition(m.callbackToken, shards) : undefined,
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
    ...(item.resume_unanswered_at === undefined ? {} : { resumeUnansweredAt: item.resume_unanswered_at }),
  };
}
