import {
  DEFAULT_CALLBACK_INDEX_SHARDS,
  isCallbackIndexShards,
  MAX_CALLBACK_INDEX_SHARDS,
  redrivePartition,
  toItem,
} from '../../adapters/dynamodb/callbackItem.js';
import { toDispatchItem } from '../../adapters/dynamodb/DynamoDbDispatchItem.js';
import { IDEMPOTENCY_PREFIX, newJobItem, toJobItem } from '../../adapters/dynamodb/DynamoDbJobsItem.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { countersTable } from '../../adapters/dynamodb/tables/countersTable.js';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import type { CallbackMappings } from '../../application/ports/CallbackMappings.js';
import type { DailyCounters } from '../../application/ports/DailyCounters.js';
import type { Dispatches } from '../../application/ports/Dispatches.js';
import type { CreateJobOptions, Jobs } from '../../application/ports/Jobs.js';
import type { CallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import type { Dispatch } from '../../domain/dispatch/Dispatch.js';
import type { Job } from '../../domain/jobs/Job.js';
import { observePort, type Observers, type Outcome } from './observePort.js';
import { PartitionWrites, type PartitionWritesSummary } from './PartitionWrites.js';
import { TableWrites, type Item } from './TableWrites.js';

/** How many shards the callbacks table's sparse indexes have unless the run says otherwise: the deployment default. */
export const DEFAULT_SIMULATED_SHARDS = DEFAULT_CALLBACK_INDEX_SHARDS;

export const DISPATCH_ITEMS = 'jobs (dispatches)';
export const IDEMPOTENCY_ITEMS = 'jobs (idempotency keys)';

/**
 * The DynamoDB write load of the in-memory stores, as the real adapters would put it on their
 * tables: each store is wrapped (`observePort`) so every port write becomes the item writes
 * the DynamoDB adapter makes for it — the items built by the adapters' own functions
 * (`toItem`, `newJobItem`, `toDispatchItem`…), the keys and indexes read off the tables'
 * CreateTableInput — and each is counted on its partition key per simulated second
 * (`PartitionWrites`). The stores keep working exactly as before; only their writes are seen.
 *
 * @example
 * const mappings = world.writes.callbackMappings(new InMemoryCallbackMappings());
 * // …run…
 * world.writes.summary().rows.find((r) => r.name === 'callbacks · redrive')?.hottest;
 */
export class DynamoDbWrites {
  readonly partitions: PartitionWrites;
  private readonly callbacks: TableWrites;
  private readonly jobsTable: TableWrites;
  private readonly counters: TableWrites;
  /**
   * The items as the adapters last wrote them, those in some index only: an index write is decided
   * by the item before and after, and an item in no index (absent here) adds none.
   */
  private readonly callbackItems = new Map<string, CallbackMapping>();
  private readonly jobItems = new Map<string, Item>();

  constructor(
    nowMs: () => number,
    /** Shards of the callbacks table's sparse indexes (`CALLBACK_INDEX_SHARDS`). */
    readonly callbackIndexShards: number = DEFAULT_SIMULATED_SHARDS,
  ) {
    if (!isCallbackIndexShards(callbackIndexShards)) {
      throw new RangeError(`callbackIndexShards must be a whole number from 1 to ${MAX_CALLBACK_INDEX_SHARDS}, got ${callbackIndexShards}`);
    }
    this.partitions = new PartitionWrites(nowMs);
    this.callbacks = new TableWrites(this.partitions, 'callbacks', callbacksTable());
    this.jobsTable = new TableWrites(this.partitions, 'jobs', jobsTable());
    this.counters = new TableWrites(this.partitions, 'counters', countersTable());
    const [jobs, ...jobIndexes] = this.jobsTable.rows;
    this.partitions.declare([...this.callbacks.rows, jobs!, ...jobIndexes, DISPATCH_ITEMS, IDEMPOTENCY_ITEMS, ...this.counters.rows]);
  }

  summary(): PartitionWritesSummary {
    return this.partitions.summary();
  }

  /**
   * The item `DynamoDbCallbackMappings` holds for `m`: `toItem` (a PENDING RunPod mapping in its
   * `reconcile` shard), plus `redrive_pk` while ACCEPTED (set by the claim, removed by the final write).
   */
  private callbackItem(m: CallbackMapping): Item {
    const item = toItem(m, this.callbackIndexShards);
    return m.status === 'ACCEPTED' ? { ...item, redrive_pk: redrivePartition(m.callbackToken, this.callbackIndexShards) } : item;
  }

  /** `mappings`, its writes counted on the callbacks table and its `redrive`, `reconcile` and `execution` indexes. */
  callbackMappings<T extends CallbackMappings>(mappings: T): T {
    const items = this.callbackItems;
    const table = this.callbacks;
    /** One write on `token`: the item becomes `next` (undefined: deleted) if the write won. */
    const change = (token: string, outcome: Outcome, next: (before: CallbackMapping | undefined) => CallbackMapping | undefined | 'unchanged') => {
      const before = items.get(token);
      const after = outcome.ok ? next(before) : 'unchanged';
      if (after === 'unchanged') return table.touch(token);
      const item = after && this.callbackItem(after);
      table.write(token, before && this.callbackItem(before), item);
      if (item !== undefined && table.indexed(item)) items.set(token, after!);
      else items.delete(token);
    };
    const observers: Observers<CallbackMappings> = {
      create: ([m], outcome) => change(callback(m).callbackToken, outcome, () => callback(m)),
      recordJobId: ([token, jobId], outcome) => change(String(token), outcome, (b) => b && { ...b, jobId: String(jobId) }),
      // A conditional delete: it takes the item only while PENDING.
      discardPending: ([token], outcome) => change(String(token), outcome, (b) => (b?.status === 'PENDING' ? undefined : 'unchanged')),
      accept: ([token], outcome) => change(String(token), outcome, () => callback(outcome.ok ? outcome.value : undefined)),
      finish: ([m], outcome) => change(callback(m).callbackToken, outcome, (b) => left(b, callback(m))),
      abandon: ([m], outcome) => change(callback(m).callbackToken, outcome, (b) => left(b, callback(m))),
      // `lease_until` is neither an index key nor projected: the table's write alone.
      lease: ([token]) => table.touch(String(token)),
    };
    return observePort(mappings, observers as Observers<T>);
  }

  /** `jobs`, its writes counted on the jobs table, its `unqueued` index and the idempotency-key items. */
  jobs<T extends Jobs>(jobs: T): T {
    const items = this.jobItems;
    const table = this.jobsTable;
    const change = (jobId: string, outcome: Outcome, next: (before: Item | undefined) => Item | undefined) => {
      const before = items.get(jobId);
      const after = outcome.ok ? next(before) : undefined;
      if (after === undefined) return table.touch(jobId);
      table.write(jobId, before, after);
      if (table.indexed(after)) items.set(jobId, after);
      else items.delete(jobId);
    };
    const observers: Observers<Jobs> = {
      create: ([j, options], outcome) => {
        const job = j as Job;
        const key = (options as CreateJobOptions | undefined)?.idempotencyKey;
        // With a key, one transaction puts the key's item and the job's: both are written, won or lost.
        if (key !== undefined) table.touch(IDEMPOTENCY_PREFIX + key, IDEMPOTENCY_ITEMS);
        change(job.jobId, outcome, () => newJobItem(job));
      },
      // Any change moves the job on: it leaves the `unqueued` index (REMOVE unqueued_pk).
      update: ([previous, next], outcome) => change((previous as Job).jobId, outcome, () => toJobItem(next as Job)),
      // REMOVE unqueued_pk; a job in no index is left as it was.
      markQueued: ([jobId], outcome) => change(String(jobId), outcome, (b) => b && withoutUnqueued(b)),
      releaseIdempotencyKey: ([key]) => table.touch(IDEMPOTENCY_PREFIX + String(key), IDEMPOTENCY_ITEMS),
    };
    return observePort(jobs, observers as Observers<T>);
  }

  /**
   * The job view of dispatch items (`InMemoryDispatches.asJobs()`): `DynamoDbJobs.update` on an
   * item `DynamoDbDispatches` put in the jobs table. Dispatch items never carry `unqueued_pk`.
   */
  dispatchJobs<T extends Jobs>(jobs: T): T {
    const table = this.jobsTable;
    const observers: Observers<Jobs> = { update: ([previous]) => table.touch((previous as Job).jobId, DISPATCH_ITEMS) };
    return observePort(jobs, observers as Observers<T>);
  }

  /** `dispatches`, its writes counted on the jobs table (dispatch items: `toDispatchItem`). */
  dispatches<T extends Dispatches>(dispatches: T): T {
    const table = this.jobsTable;
    const write = (key: string, outcome: Outcome, before: Dispatch | undefined, after: Dispatch) =>
      outcome.ok ? table.write(key, before && toDispatchItem(before), toDispatchItem(after), DISPATCH_ITEMS) : table.touch(key, DISPATCH_ITEMS);
    const observers: Observers<Dispatches> = {
      create: ([d], outcome) => write((d as Dispatch).job.jobId, outcome, undefined, d as Dispatch),
      replace: ([previous, next], outcome) => write((previous as Dispatch).job.jobId, outcome, previous as Dispatch, next as Dispatch),
    };
    return observePort(dispatches, observers as Observers<T>);
  }

  /** `counters`, each count, reservation or release one conditional UpdateItem on the day's item (key `date`). */
  dailyCounters<T extends DailyCounters>(counters: T): T {
    const table = this.counters;
    const write = ([day]: readonly unknown[]) => table.touch(String(day));
    const observers: Observers<DailyCounters> = { countJob: write, reserve: write, release: write };
    return observePort(counters, observers as Observers<T>);
  }
}

function callback(value: unknown): CallbackMapping {
  return value as CallbackMapping;
}

/** What `finish` / `abandon` write: the final status and its completion fields over the item as it was. */
function left(before: CallbackMapping | undefined, m: CallbackMapping): CallbackMapping {
  const { status, completedAt, goneReason, refusal } = m;
  return {
    ...(before ?? m),
    status,
    ...(completedAt === undefined ? {} : { completedAt }),
    ...(goneReason === undefined ? {} : { goneReason }),
    ...(refusal === undefined ? {} : { refusal }),
  };
}

function withoutUnqueued(item: Item): Item {
  const { unqueued_pk: _gone, ...rest } = item as { unqueued_pk?: string };
  return rest;
}
