import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type {
  CallbackMappings,
  CallbackNotFound,
  CallbackNotInStatus,
  CallbackTokenTaken,
  PageCursor,
  TokenPage,
} from '../../application/ports/CallbackMappings.js';
import {
  accept,
  reportableThrough,
  type CallbackChannel,
  type CallbackMapping,
} from '../../domain/callbacks/CallbackMapping.js';
import type { CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import { isoSeconds } from '../../domain/shared/time.js';
import { callbackShard, DEFAULT_CALLBACK_INDEX_SHARDS, isCallbackIndexShards, MAX_CALLBACK_INDEX_SHARDS } from '../dynamodb/callbackItem.js';
import { decodeShardCursor, encodeShardCursor, mergeShardAnswers, perShardLimit, type ShardAnswer } from '../shared/shardedPage.js';

type Lost = CallbackNotFound | CallbackNotInStatus;

/**
 * Callback mappings in a Map, with the same conditional-write semantics as the DynamoDB
 * adapter (the contract suite runs both). Every call is atomic, as one DynamoDB write is.
 * The sparse indexes are kept as DynamoDB keeps its GSIs — `redrive` holds only ACCEPTED
 * mappings, `reconcile` only PENDING RunPod ones — in shards by the same token hash, paged
 * shard by shard from after the last key as `ExclusiveStartKey` does.
 */
export class InMemoryCallbackMappings implements CallbackMappings {
  /** Shards of the `redrive` and `reconcile` indexes, as `CALLBACK_INDEX_SHARDS` gives the DynamoDB adapter. */
  readonly shards: number;
  private readonly items = new Map<string, CallbackMapping>();
  private readonly leases = new Map<string, number>();
  /** Token → acceptedAt (ms, whole seconds) of every ACCEPTED mapping: the `redrive` index. */
  private readonly redriveIndex = new Map<string, number>();
  /** Token → createdAt (ms) of every PENDING RunPod mapping: the `reconcile` index. */
  private readonly reconcileIndex = new Map<string, number>();
  /** Calls made, by method: the simulation and tests count storage round trips. */
  readonly calls = {
    create: 0,
    recordJobId: 0,
    discardPending: 0,
    noteUnansweredResume: 0,
    accept: 0,
    finish: 0,
    abandon: 0,
    find: 0,
    acceptedBefore: 0,
    pendingRunPodBefore: 0,
    forExecution: 0,
    lease: 0,
  };

  constructor(options: { readonly callbackIndexShards?: number } = {}) {
    this.shards = options.callbackIndexShards ?? DEFAULT_CALLBACK_INDEX_SHARDS;
    if (!isCallbackIndexShards(this.shards)) {
      throw new RangeError(`callbackIndexShards must be a whole number from 1 to ${MAX_CALLBACK_INDEX_SHARDS}, got ${this.shards}`);
    }
  }

  create(mapping: CallbackMapping): ResultAsync<void, CallbackTokenTaken> {
    this.calls.create += 1;
    if (this.items.has(mapping.callbackToken)) {
      return errAsync({ type: 'CallbackTokenTaken', callbackToken: mapping.callbackToken });
    }
    this.items.set(mapping.callbackToken, mapping);
    if (mapping.status === 'PENDING' && mapping.channel === 'runpod') {
      this.reconcileIndex.set(mapping.callbackToken, Date.parse(mapping.createdAt));
    }
    return okAsync(undefined);
  }

  recordJobId(callbackToken: string, jobId: string): ResultAsync<void, CallbackNotFound> {
    this.calls.recordJobId += 1;
    const current = this.items.get(callbackToken);
    if (!current) return errAsync({ type: 'CallbackNotFound', callbackToken });
    this.items.set(callbackToken, { ...current, jobId });
    return okAsync(undefined);
  }

  async discardPending(callbackToken: string): Promise<void> {
    this.calls.discardPending += 1;
    if (this.items.get(callbackToken)?.status === 'PENDING') {
      this.items.delete(callbackToken);
      this.reconcileIndex.delete(callbackToken);
    }
  }

  async noteUnansweredResume(callbackToken: string, at: Date): Promise<void> {
    this.calls.noteUnansweredResume += 1;
    const current = this.items.get(callbackToken);
    if (current?.status === 'ACCEPTED') this.items.set(callbackToken, { ...current, resumeUnansweredAt: isoSeconds(at) });
  }

  accept(callbackToken: string, outcome: CallbackOutcome, at: Date, channel: CallbackChannel): ResultAsync<CallbackMapping, Lost> {
    this.calls.accept += 1;
    const current = this.items.get(callbackToken);
    if (!current || !reportableThrough(current, channel)) return errAsync({ type: 'CallbackNotFound', callbackToken });
    const next = accept(current, outcome, at);
    if (next.isErr()) return errAsync({ type: 'CallbackNotInStatus', current });
    this.items.set(callbackToken, next.value);
    this.reconcileIndex.delete(callbackToken);
    this.redriveIndex.set(callbackToken, at.getTime() - (at.getTime() % 1000));
    return okAsync(next.value);
  }

  finish(mapping: CallbackMapping): ResultAsync<void, Lost> {
    this.calls.finish += 1;
    return this.leave(mapping, 'ACCEPTED').map(() => {
      this.leases.delete(mapping.callbackToken);
      this.redriveIndex.delete(mapping.callbackToken);
    });
  }

  abandon(mapping: CallbackMapping): ResultAsync<void, Lost> {
    this.calls.abandon += 1;
    return this.leave(mapping, 'PENDING').map(() => {
      this.reconcileIndex.delete(mapping.callbackToken);
    });
  }

  private leave(mapping: CallbackMapping, from: 'PENDING' | 'ACCEPTED'): ResultAsync<void, Lost> {
    const current = this.items.get(mapping.callbackToken);
    if (!current) return errAsync({ type: 'CallbackNotFound', callbackToken: mapping.callbackToken });
    if (current.status !== from) return errAsync({ type: 'CallbackNotInStatus', current });
    // Only the fields the DynamoDB write sets: anything else on the stored item (a job id recorded since) stays.
    const { status, completedAt, goneReason, refusal } = mapping;
    this.items.set(mapping.callbackToken, {
      ...current,
      status,
      ...(completedAt === undefined ? {} : { completedAt }),
      ...(goneReason === undefined ? {} : { goneReason }),
      ...(refusal === undefined ? {} : { refusal }),
    });
    return okAsync(undefined);
  }

  async find(callbackToken: string): Promise<CallbackMapping | undefined> {
    this.calls.find += 1;
    return this.items.get(callbackToken);
  }

  async acceptedBefore(acceptedBy: Date, limit: number, after?: PageCursor): Promise<TokenPage> {
    this.calls.acceptedBefore += 1;
    return page(this.redriveIndex, this.shards, acceptedBy, limit, after);
  }

  async pendingRunPodBefore(createdBy: Date, limit: number, after?: PageCursor): Promise<TokenPage> {
    this.calls.pendingRunPodBefore += 1;
    return page(this.reconcileIndex, this.shards, createdBy, limit, after);
  }

  async forExecution(executionArn: string, limit: number, after?: PageCursor): Promise<TokenPage> {
    this.calls.forExecution += 1;
    const index = new Map(
      [...this.items.values()].filter((m) => m.executionArn === executionArn).map((m) => [m.callbackToken, Date.parse(m.createdAt)]),
    );
    return page(index, 1, new Date('9999-12-31T23:59:59Z'), limit, after);
  }

  lease(callbackToken: string, now: Date, until: Date): ResultAsync<CallbackMapping, Lost> {
    this.calls.lease += 1;
    const current = this.items.get(callbackToken);
    if (!current) return errAsync({ type: 'CallbackNotFound', callbackToken });
    const held = this.leases.get(callbackToken);
    // Held up to and including `until`, as the DynamoDB condition `lease_until < :now` reads it.
    if (current.status !== 'ACCEPTED' || (held !== undefined && held >= now.getTime())) {
      return errAsync({ type: 'CallbackNotInStatus', current });
    }
    this.leases.set(callbackToken, until.getTime());
    return okAsync(current);
  }

  /** Every mapping, for assertions and the simulation's invariants. */
  all(): CallbackMapping[] {
    return [...this.items.values()];
  }
}

type Key = readonly [at: number, token: string];

const before = (a: Key, b: Key) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * A page of an index (token → time) split into `shards` by the token's shard, each shard in
 * (time, token) order, paged as the DynamoDB adapter pages its shards (adapters/shared/shardedPage.ts).
 */
function page(
  index: ReadonlyMap<string, number>,
  shards: number,
  by: Date,
  limit: number,
  after: PageCursor | undefined,
): TokenPage {
  const open = decodeShardCursor<Key>(after, shards);
  if (open.length === 0) return { tokens: [] };
  const cutoff = by.getTime();
  const byShard = new Map<number, Key[]>();
  for (const [token, at] of index) {
    if (at > cutoff) continue;
    const shard = shards === 1 ? 0 : callbackShard(token, shards);
    const keys = byShard.get(shard);
    if (keys === undefined) byShard.set(shard, [[at, token]]);
    else keys.push([at, token]);
  }
  const each = perShardLimit(limit, open.length);
  const answers = open.map(({ shard, after: start }): ShardAnswer<Key, Key> => {
    const keys = (byShard.get(shard) ?? [])
      .filter((key) => start === undefined || before(start, key))
      .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    const items = keys.slice(0, each);
    // As DynamoDB's Limit: a full answer names its last key, even when nothing follows it.
    return items.length === each ? { items, last: items.at(-1)! } : { items };
  });
  const merged = mergeShardAnswers(open, answers, limit, (key) => key[0], (key) => key);
  const next = encodeShardCursor(merged.open);
  return { tokens: merged.items.map((key) => key[1]), ...(next === undefined ? {} : { next }) };
}
