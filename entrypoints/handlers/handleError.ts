import type { HandlePipelineErrorOutput } from '../../application/pipeline/HandlePipelineErrorInput.js';
import type { HandlePipelineError } from '../../application/pipeline/HandlePipelineError.js';
import { describeIssues } from '../../domain/shared/InvalidInput.js';
import { TaskError } from './taskError.js';

/**
 * Step Functions Catch target → HandlePipelineError: `{ job_id, error: { Error, Cause }, state,
 * execution_id }` → `{ job_id, status, error_logged: true }`. An input without a usable job id
 * fails the task as `InvalidInput` (a wiring mistake in the state machine, worth seeing);
 * storage faults throw, so the state's Retry applies.
 */
export function handleErrorHandler(useCase: HandlePipelineError): (event: unknown) => Promise<HandlePipelineErrorOutput> {
  return async (event) => {
    const result = await useCase.execute(event);
    if (result.isOk()) return result.value;
    throw new TaskError('InvalidInput', describeIssues(result.error), result.error.issues);
  };
}
