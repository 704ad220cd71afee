import type { SubmitRunPodJob, SubmitRunPodJobError, SubmitRunPodJobOutput } from '../../application/runpod/SubmitRunPodJob.js';
import { describeIssues } from '../../domain/shared/InvalidInput.js';
import { TaskError } from './taskError.js';

/**
 * Step Functions task (`.waitForTaskToken`) → SubmitRunPodJob. Failures throw a TaskError
 * named for the state machine: `InvalidInput` (do not retry), `RunPodRejected` (do not
 * retry), `RunPodUnavailable` (nothing was started: retry); faults throw as they are (retry).
 * A RunPod answer lost in flight is not a failure: the task waits for the job's webhook.
 */
export function submitRunPodJobHandler(useCase: SubmitRunPodJob): (event: unknown) => Promise<SubmitRunPodJobOutput> {
  return async (event) => {
    const result = await useCase.execute(event);
    if (result.isOk()) return result.value;
    throw toTaskError(result.error);
  };
}

function toTaskError(error: SubmitRunPodJobError): TaskError {
  switch (error.type) {
    case 'InvalidInput':
      return new TaskError('InvalidInput', describeIssues(error), error.issues);
    case 'GpuJobRejected':
      return new TaskError('RunPodRejected', `RunPod refused the job (${error.status}): ${error.detail}`);
    case 'GpuJobNotSubmitted':
      return new TaskError('RunPodUnavailable', `RunPod could not be reached; no job was started (${error.detail})`);
  }
}
