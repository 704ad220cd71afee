import type fc from 'fast-check';
import { ResultAsync } from 'neverthrow';
import type { DailyCounters } from '../../application/ports/DailyCounters.js';

/**
 * Wraps a DailyCounters so each call's atomic step happens when the fast-check scheduler
 * says, not when it is made: the scheduler then explores every order in which concurrent
 * callers reach the store, as network latency would.
 */
export class ScheduledDailyCounters implements DailyCounters {
  constructor(
    private readonly inner: DailyCounters,
    private readonly s: fc.Scheduler,
  ) {}

  count(day: string) {
    return this.later(`count(${day})`).andThen(() => this.inner.count(day));
  }

  countJob(day: string, jobId: string, at: Date) {
    return this.later(`countJob(${jobId})`).andThen(() => this.inner.countJob(day, jobId, at));
  }

  reserve(day: string, jobId: string, limit: number, at: Date) {
    return this.later(`reserve(${jobId})`).andThen(() => this.inner.reserve(day, jobId, limit, at));
  }

  release(day: string, jobId: string, at: Date) {
    return this.later(`release(${jobId})`).andThen(() => this.inner.release(day, jobId, at));
  }

  private later(label: string): ResultAsync<void, never> {
    return ResultAsync.fromSafePromise(this.s.schedule(Promise.resolve(), label));
  }
}
