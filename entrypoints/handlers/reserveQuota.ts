import type { ReserveQuota } from '../../application/quota/ReserveQuota.js';
import { describeIssues } from '../../domain/shared/InvalidInput.js';
import { TaskError } from './taskError.js';

/**
 * `reserved: false` means the day is full: the state machine ends the run (a Choice on
 * `$.reserved`), as it does on check-quota's `quota_reached: true`.
 */
export interface ReserveQuotaResponse {
  readonly reserved: boolean;
  readonly daily_count: number;
  readonly daily_quota: number;
  readonly date: string;
  readonly job_id: string;
}

/**
 * Step Functions task `{ job_id }` → ReserveQuota. A full day is an answer, not an error; bad
 * input throws `InvalidInput` (do not retry); faults throw as they are (retry: a retried
 * reservation of the same job is answered again without taking a second slot).
 */
export function reserveQuotaHandler(useCase: ReserveQuota): (event: unknown) => Promise<ReserveQuotaResponse> {
  return async (event) => {
    const result = await useCase.execute(event);
    if (result.isOk()) {
      const { count, limit, day, jobId } = result.value;
      return { reserved: true, daily_count: count, daily_quota: limit, date: day, job_id: jobId };
    }
    const error = result.error;
    switch (error.type) {
      case 'QuotaExhausted':
        return { reserved: false, daily_count: error.count, daily_quota: error.limit, date: error.day, job_id: error.jobId };
      case 'InvalidInput':
        throw new TaskError('InvalidInput', describeIssues(error), error.issues);
    }
  };
}
