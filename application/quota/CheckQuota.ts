import { okAsync, type ResultAsync } from 'neverthrow';
import { dailyQuota, isReached, type DailyQuota } from '../../domain/quota/DailyQuota.js';
import { utcDay } from '../../domain/shared/time.js';
import type { Clock } from '../ports/Clock.js';
import type { DailyCounters } from '../ports/DailyCounters.js';
import type { Log } from '../ports/Log.js';
import type { Metrics } from '../ports/Metrics.js';
import type { QuotaSettings } from './QuotaSettings.js';

export type CheckQuotaError = never;

/**
 * Seed 003's `check-quota`: today's count against the daily quota. A read only: two
 * executions can both see room for one more job. Use {@link ReserveQuota} where the quota
 * must never be overshot.
 *
 * @example
 * const quota = await checkQuota.execute();
 * if (quota.isOk() && isReached(quota.value)) return; // skip today's run
 */
export class CheckQuota {
  constructor(
    private readonly counters: DailyCounters,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly metrics: Metrics,
    private readonly settings: QuotaSettings,
  ) {}

  execute(): ResultAsync<DailyQuota, CheckQuotaError> {
    const day = utcDay(this.clock.now());
    return this.counters.count(day).andThen((count) => {
      const quota = dailyQuota(day, count, this.settings.dailyQuota);
      const reached = isReached(quota);
      this.log.info('Daily quota checked', { date: day, daily_count: count, daily_quota: quota.limit, quota_reached: reached });
      if (reached) this.metrics.count('DailyQuotaReached');
      return okAsync(quota);
    });
  }
}
