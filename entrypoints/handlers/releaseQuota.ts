import type { ReleaseQuota, ReleaseQuotaError } from '../../application/quota/ReleaseQuota.js';
import { describeIssues } from '../../domain/shared/InvalidInput.js';
import { TaskError } from './taskError.js';

export interface ReleaseQuotaResponse {
  readonly released: boolean;
  readonly daily_count: number;
  readonly date: string;
  readonly job_id: string;
}

/**
 * Step Functions task `{ job_id, date }` → ReleaseQuota, on the paths where a run that holds a
 * slot ends without output. Bad input throws `InvalidInput` (do not retry); faults throw (retry).
 */
export function releaseQuotaHandler(useCase: ReleaseQuota): (event: unknown) => Promise<ReleaseQuotaResponse> {
  return async (event) => {
    const result = await useCase.execute(event);
    if (result.isErr()) throw toTaskError(result.error);
    const { released, count, day, jobId } = result.value;
    return { released, daily_count: count, date: day, job_id: jobId };
  };
}

function toTaskError(error: ReleaseQuotaError): TaskError {
  switch (error.type) {
    case 'InvalidInput':
      return new TaskError('InvalidInput', describeIssues(error), error.issues);
  }
}
