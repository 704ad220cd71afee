import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { DailyCounters } from '../../application/ports/DailyCounters.js';
import {
  countJob,
  emptyTally,
  releaseSlot,
  reserveSlot,
  type DayTally,
  type JobCount,
  type QuotaExhausted,
  type SlotRelease,
} from '../../domain/quota/DayTally.js';

/**
 * Day counters in a Map. Each call reads and writes in one synchronous step, which is what
 * DynamoDB's single conditional UpdateItem guarantees, so the contract suite and the
 * interleaving tests hold for both.
 */
export class InMemoryDailyCounters implements DailyCounters {
  private readonly days = new Map<string, DayTally>();
  /** Calls made, by method: tests count round trips. */
  readonly calls = { count: 0, countJob: 0, reserve: 0, release: 0 };

  async count(day: string): Promise<number> {
    this.calls.count += 1;
    return this.tally(day).count;
  }

  async countJob(day: string, jobId: string, _at: Date): Promise<JobCount> {
    this.calls.countJob += 1;
    const { tally, result } = countJob(this.tally(day), jobId);
    this.days.set(day, tally);
    return result;
  }

  reserve(day: string, jobId: string, limit: number, _at: Date): ResultAsync<JobCount, QuotaExhausted> {
    this.calls.reserve += 1;
    const change = reserveSlot(this.tally(day), jobId, limit);
    if (change.isErr()) return errAsync(change.error);
    const { tally, result } = change.value;
    this.days.set(day, tally);
    return okAsync(result);
  }

  async release(day: string, jobId: string, _at: Date): Promise<SlotRelease> {
    this.calls.release += 1;
    const { tally, result } = releaseSlot(this.tally(day), jobId);
    this.days.set(day, tally);
    return result;
  }

  /** The day's tally (jobs included), for assertions and the simulation. */
  tally(day: string): DayTally {
    return this.days.get(day) ?? emptyTally(day);
  }
}
