/**
 * How much of a day's quota is used. `day` is the UTC calendar day (`YYYY-MM-DD`) the count
 * belongs to; the quota is reached once `count` is at or above `limit` (seed 003's rule).
 *
 * @example
 * const quota = dailyQuota('2026-02-07', 3, 10);
 * isReached(quota); // false
 */
export interface DailyQuota {
  readonly day: string;
  readonly count: number;
  readonly limit: number;
}

export function dailyQuota(day: string, count: number, limit: number): DailyQuota {
  return { day, count, limit };
}

export function isReached(quota: DailyQuota): boolean {
  return quota.count >= quota.limit;
}

/** A limit is a whole number of jobs, at least one: a zero limit would be a disabled pipeline, which is a deploy decision. */
export function isValidLimit(limit: number): boolean {
  return Number.isSafeInteger(limit) && limit >= 1;
}
