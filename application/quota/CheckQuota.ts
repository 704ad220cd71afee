import { dailyQuota, isReached, type DailyQuota } from '../../domain/quota/DailyQuota.js';
import { utcDay } from '../../domain/shared/time.js';
import type { Ports } from '../ports/Ports.js';
import type { QuotaSettings } from './QuotaSettings.js';

/** What CheckQuota is given: see {@link Ports} for the one name of each port. */
export type CheckQuotaDeps = Pick<Ports, 'counters' | 'clock' | 'log' | 'metrics'>;

/**
 * Seed 003's `check-quota`: today's count against the daily quota. A read only: two
 * executions can both see room for one more job. Use {@link ReserveQuota} where the quota
 * must never be overshot.
 *
 * @example
 * const quota = await checkQuota.execute();
 * if (isReached(quota)) return; // skip today's run
 */
export class CheckQuota {
  constructor(private readonly deps: CheckQuotaDeps, private readonly settings: QuotaSettings) {}

  async execute(): Promise<DailyQuota> {
    const day = utcDay(this.deps.clock.now());
    const count = await this.deps.counters.count(day);
    const quota = dailyQuota(day, count, this.settings.dailyQuota);
    const reached = isReached(quota);
    this.deps.log.info('Daily quota checked', { date: day, daily_count: count, daily_quota: quota.limit, quota_reached: reached });
    if (reached) this.deps.metrics.count('DailyQuotaReached');
    return quota;
  }
}
