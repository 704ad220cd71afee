import type { ResultAsync } from 'neverthrow';
import type { JobCount, QuotaExhausted, SlotRelease } from '../../domain/quota/DayTally.js';

/**
 * Per-day job counters (seed 003's counters table, key `date` = `YYYY-MM-DD` UTC). Each write
 * is one atomic conditional operation that follows `domain/quota/DayTally.ts`: a job counts
 * at most once per day, and a reservation never takes the count past the limit, however many
 * callers race. Unknown infrastructure faults reject (throw).
 */
export interface DailyCounters {
  /** The day's count, 0 before the first job. Strongly consistent. */
  count(day: string): Promise<number>;

  /** Adds `jobId` to the day's count unless it already counts that day; returns the count after. */
  countJob(day: string, jobId: string, at: Date): Promise<JobCount>;

  /**
   * Takes a slot for `jobId` while the day's count is below `limit` (a whole number ≥ 1). A job
   * that already counts that day keeps its slot: the call succeeds with `fresh: false`.
   */
  reserve(day: string, jobId: string, limit: number, at: Date): ResultAsync<JobCount, QuotaExhausted>;

  /** Takes `jobId` out of the day's count if it is in it; otherwise changes nothing (`released: false`). */
  release(day: string, jobId: string, at: Date): Promise<SlotRelease>;
}
