import type { IncrementCounter, IncrementCounterError } from '../../application/quota/IncrementCounter.js';
import { describeIssues } from '../../domain/shared/InvalidInput.js';
import { TaskError } from './taskError.js';

/** Seed 003's output, exactly: the day's count after this job, the UTC day, and the job. */
export interface IncrementCounterResponse {
  readonly daily_count: number;
  readonly date: string;
  readonly job_id: string;
}

/**
 * Step Functions task `{ job_id }` → IncrementCounter. A retry of a job already counted today
 * answers with the day's count and adds nothing. Bad input throws `InvalidInput` (do not retry);
 * faults throw as they are (retry).
 */
export function incrementCounterHandler(useCase: IncrementCounter): (event: unknown) => Promise<IncrementCounterResponse> {
  return async (event) => {
    const result = await useCase.execute(event);
    if (result.isErr()) throw toTaskError(result.error);
    const { count, day, jobId } = result.value;
    return { daily_count: count, date: day, job_id: jobId };
  };
}

function toTaskError(error: IncrementCounterError): TaskError {
  switch (error.type) {
    case 'InvalidInput':
      return new TaskError('InvalidInput', describeIssues(error), error.issues);
  }
}
