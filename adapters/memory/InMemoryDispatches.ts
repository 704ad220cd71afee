import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type {
  DispatchChanged,
  DispatchExists,
  DispatchNotFound,
  Dispatches,
} from '../../application/ports/Dispatches.js';
import type { Jobs } from '../../application/ports/Jobs.js';
import type { Dispatch } from '../../domain/dispatch/Dispatch.js';

/**
 * Dispatches in a Map with the DynamoDB adapter's conditional-write semantics (the contract
 * suite runs both). Each call is atomic, as one conditional Put is.
 */
export class InMemoryDispatches implements Dispatches {
  private readonly items = new Map<string, Dispatch>();
  private throttled = 0;
  /** Calls made, by method: tests count storage round trips. */
  readonly calls = { create: 0, replace: 0, find: 0 };

  /**
   * The same records seen as Jobs, as `DynamoDbJobs` sees the dispatch items of one jobs table:
   * an update changes the job and leaves the launch record alone (conditioned on status and version).
   */
  asJobs(): Jobs {
    const items = this.items;
    return {
      create: () => {
        throw new Error('dispatch jobs are created by DispatchToEcs');
      },
      get: (jobId) => Promise.resolve(items.get(jobId)?.job),
      update: (previous, next) => {
        const current = items.get(previous.jobId);
        if (!current) return errAsync({ type: 'JobNotFound', jobId: previous.jobId });
        if (current.job.status !== previous.status || current.job.version !== previous.version) {
          return errAsync({ type: 'JobChanged', current: current.job });
        }
        items.set(previous.jobId, { ...current, job: next });
        return okAsync(next);
      },
      releaseIdempotencyKey: () => Promise.resolve(),
      // Dispatch records are never queued through the job API: none is ever unqueued.
      markQueued: () => Promise.resolve(),
      unqueuedBefore: () => Promise.resolve([]),
    };
  }

  /** The next `count` writes fail as a throttled DynamoDB would after its retries (they reject). */
  throttleNext(count: number): void {
    this.throttled = count;
  }

  create(dispatch: Dispatch): ResultAsync<void, DispatchExists> {
    this.calls.create += 1;
    const fault = this.throttle();
    if (fault) return new ResultAsync(fault);
    const current = this.items.get(dispatch.job.jobId);
    if (current) return errAsync({ type: 'DispatchExists', current });
    this.items.set(dispatch.job.jobId, dispatch);
    return okAsync(undefined);
  }

  replace(previous: Dispatch, next: Dispatch): ResultAsync<void, DispatchChanged | DispatchNotFound> {
    this.calls.replace += 1;
    const fault = this.throttle();
    if (fault) return new ResultAsync(fault);
    const current = this.items.get(previous.job.jobId);
    if (!current) return errAsync({ type: 'DispatchNotFound', jobId: previous.job.jobId });
    if (current.job.version !== previous.job.version) return errAsync({ type: 'DispatchChanged', current });
    this.items.set(previous.job.jobId, next);
    return okAsync(undefined);
  }

  async find(jobId: string): Promise<Dispatch | undefined> {
    this.calls.find += 1;
    return this.items.get(jobId);
  }

  all(): Dispatch[] {
    return [...this.items.values()];
  }

  /** A rejected write, as an infrastructure fault arrives: not an error value. */
  private throttle(): Promise<never> | undefined {
    if (this.throttled <= 0) return undefined;
    this.throttled -= 1;
    const fault = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name: 'ProvisionedThroughputExceededException',
    });
    return Promise.reject(fault);
  }
}
