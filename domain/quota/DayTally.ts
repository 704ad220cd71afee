import { err, ok, type Result } from 'neverthrow';
import { isValidLimit } from './DailyQuota.js';

/**
 * One UTC day's count, with the jobs that made it. A job counts at most once per day, so a
 * task that Step Functions retries (or that both reserves a slot and later increments the
 * counter) is not counted twice.
 *
 * These functions are the rules; adapters apply them atomically (the in-memory adapter in one
 * synchronous step, DynamoDB as one conditional UpdateItem whose condition is this logic).
 */
export interface DayTally {
  readonly day: string;
  readonly count: number;
  readonly jobIds: ReadonlySet<string>;
}

/** The outcome of counting a job: the day's count after the call, and whether this call added the job. */
export interface JobCount {
  readonly count: number;
  /** `false` when the job was already counted that day (a retry): the count did not move. */
  readonly fresh: boolean;
}

/** No slot left today for a job that does not hold one already. */
export interface QuotaExhausted {
  readonly type: 'QuotaExhausted';
  readonly day: string;
  readonly jobId: string;
  readonly count: number;
  readonly limit: number;
}

/** The outcome of releasing a job's slot: the day's count after the call, and whether this call freed it. */
export interface SlotRelease {
  readonly count: number;
  /** `false` when the job held no slot that day (never reserved, or already released): nothing changed. */
  readonly released: boolean;
}

export interface TallyChange {
  readonly tally: DayTally;
  readonly result: JobCount;
}

export function emptyTally(day: string): DayTally {
  return { day, count: 0, jobIds: new Set() };
}

/**
 * Counts `jobId` unless it already counted today (seed 003's `ADD #count :inc`, made
 * idempotent per job).
 *
 * @example
 * const { tally, result } = countJob(emptyTally('2026-02-07'), 'job-1'); // result: { count: 1, fresh: true }
 * countJob(tally, 'job-1').result; // { count: 1, fresh: false }
 */
export function countJob(tally: DayTally, jobId: string): TallyChange {
  if (tally.jobIds.has(jobId)) return { tally, result: { count: tally.count, fresh: false } };
  const next: DayTally = { day: tally.day, count: tally.count + 1, jobIds: new Set([...tally.jobIds, jobId]) };
  return { tally: next, result: { count: next.count, fresh: true } };
}

/**
 * Takes a slot for `jobId` only while `count < limit`; a job that already holds a slot keeps
 * it (a retried reservation succeeds again without taking a second slot), even once the
 * quota is full.
 *
 * @example
 * reserveSlot(emptyTally('2026-02-07'), 'job-1', 10); // ok({ tally, result: { count: 1, fresh: true } })
 */
export function reserveSlot(tally: DayTally, jobId: string, limit: number): Result<TallyChange, QuotaExhausted> {
  if (!isValidLimit(limit)) throw new RangeError(`quota limit must be a whole number ≥ 1, got ${limit}`);
  if (tally.jobIds.has(jobId)) return ok({ tally, result: { count: tally.count, fresh: false } });
  if (tally.count >= limit) return err({ type: 'QuotaExhausted', day: tally.day, jobId, count: tally.count, limit });
  return ok(countJob(tally, jobId));
}

/**
 * Gives back the slot `jobId` holds, for a run that ended without using it (nothing to do,
 * or a failure before any output). Releasing a job that holds nothing changes nothing, so a
 * retried release is harmless. The job no longer counts that day.
 *
 * @example
 * releaseSlot(tally, 'job-1'); // { tally, result: { count: tally.count - 1, released: true } }
 */
export function releaseSlot(tally: DayTally, jobId: string): { readonly tally: DayTally; readonly result: SlotRelease } {
  if (!tally.jobIds.has(jobId)) return { tally, result: { count: tally.count, released: false } };
  const jobIds = new Set(tally.jobIds);
  jobIds.delete(jobId);
  const next: DayTally = { day: tally.day, count: tally.count - 1, jobIds };
  return { tally: next, result: { count: next.count, released: true } };
}
