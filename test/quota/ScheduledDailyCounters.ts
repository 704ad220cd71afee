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

  async count(day: string) {
    await this.later(`count(${day})`);
    return this.inner.count(day);
  }

  async countJob(day: string, jobId: string, at: Date) {
    await this.later(`countJob(${jobId})`);
    return this.inner.countJob(day, jobId, at);
  }

  reserve(day: string, jobId: string, limit: number, at: Date) {
    return new ResultAsync(this.later(`reserve(${jobId})`).then(() => this.inner.reserve(day, jobId, limit, at)));
  }

  async release(day: string, jobId: string, at: Date) {
    await this.later(`release(${jobId})`);
    return this.inner.release(day, jobId, at);
  }

  private later(label: string): Promise<void> {
    return this.s.schedule(Promise.resolve(), label);
  }
}
