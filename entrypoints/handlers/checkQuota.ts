import type { CheckQuota } from '../../application/quota/CheckQuota.js';
import { isReached } from '../../domain/quota/DailyQuota.js';

/** Seed 003's output, exactly. */
export interface CheckQuotaResponse {
  readonly quota_reached: boolean;
  readonly daily_count: number;
  readonly daily_quota: number;
}

/**
 * Step Functions task → CheckQuota. The input (`{}`) is ignored; the state machine branches on
 * `$.quota_reached`.
 */
export function checkQuotaHandler(useCase: CheckQuota): (event?: unknown) => Promise<CheckQuotaResponse> {
  return async () => {
    // A read answers or its fault rejects (and Step Functions retries).
    const quota = await useCase.execute();
    return { quota_reached: isReached(quota), daily_count: quota.count, daily_quota: quota.limit };
  };
}
