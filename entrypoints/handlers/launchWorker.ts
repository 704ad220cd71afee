import type { LaunchWorker, LaunchWorkerError } from '../../application/launch/LaunchWorker.js';
import { describeAttempts } from '../../domain/launch/SpotCapacity.js';
import { describeIssues } from '../../domain/shared/InvalidInput.js';
import { TaskError } from './taskError.js';

/** The seed's output of `start-renderer` / `start-uploader`. */
export interface LaunchWorkerResponse {
  readonly job_id: string;
  readonly instance_id: string;
  readonly instance_type: string;
  readonly spot_request_id: string;
}

/**
 * Step Functions task (`.waitForTaskToken`) → LaunchWorker. Failures throw a TaskError named
 * for the state machine: `InvalidInput` (do not retry), `SpotCapacityExhausted` (retry later,
 * capacity comes back; the message lists every pool tried); faults throw as they are.
 *
 * @example
 * export const handler = platform.wrap(launchWorkerHandler(container.get(Launch.LaunchWorker)));
 */
export function launchWorkerHandler(useCase: LaunchWorker): (event: unknown) => Promise<LaunchWorkerResponse> {
  return async (event) => {
    const result = await useCase.execute(event);
    if (result.isErr()) throw toTaskError(result.error);
    const { jobId, instanceId, instanceType, spotRequestId } = result.value;
    return { job_id: jobId, instance_id: instanceId, instance_type: instanceType, spot_request_id: spotRequestId };
  };
}

function toTaskError(error: LaunchWorkerError): TaskError {
  switch (error.type) {
    case 'InvalidInput':
      return new TaskError('InvalidInput', describeIssues(error), error.issues);
    case 'SpotCapacityExhausted':
      return new TaskError(
        'SpotCapacityExhausted',
        `No Spot capacity in any configured pool: ${describeAttempts(error.attempts)}`,
        error.attempts,
      );
  }
}
