import type { ResultAsync } from 'neverthrow';
import type { Dispatch } from '../../domain/dispatch/Dispatch.js';

/** A dispatch with this job id exists; `current` is how it is now (read in the same round trip where the store can). */
export interface DispatchExists {
  readonly type: 'DispatchExists';
  readonly current: Dispatch;
}

/** Someone else wrote the dispatch since it was read; `current` is how it is now. */
export interface DispatchChanged {
  readonly type: 'DispatchChanged';
  readonly current: Dispatch;
}

export interface DispatchNotFound {
  readonly type: 'DispatchNotFound';
  readonly jobId: string;
}

/**
 * Job tracking for ECS dispatch (the jobs table, key `job_id`). Every write is conditional:
 * `create` on the id being free, `replace` on the version the caller read, so of any number
 * of concurrent deliveries of one job exactly one holds the right to launch it. Throttled
 * writes are retried inside the adapter; other infrastructure faults reject.
 *
 * @example
 * const created = await dispatches.create(newDispatch({ ... }));
 * if (created.isErr()) // DispatchExists: another delivery of this job got there first
 */
export interface Dispatches {
  /** Stores a new dispatch; never overwrites. */
  create(dispatch: Dispatch): ResultAsync<void, DispatchExists>;

  /** Replaces `previous` by `next` if the stored version is still `previous.job.version`. */
  replace(previous: Dispatch, next: Dispatch): ResultAsync<void, DispatchChanged | DispatchNotFound>;

  /** The dispatch, read consistently. */
  find(jobId: string): Promise<Dispatch | undefined>;
}
