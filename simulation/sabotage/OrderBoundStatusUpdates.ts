import { errAsync, type ResultAsync } from 'neverthrow';
import { UpdateJobStatus, type UpdateJobStatusDeps, type UpdateJobStatusError, type UpdateJobStatusInput } from '../../application/jobs/UpdateJobStatus.js';
import type { Job } from '../../domain/jobs/Job.js';

/**
 * A planted bug (`--sabotage order-bound-status`): status reports are judged as before issue
 * 11, when a completion was only taken from `processing`; a `completed` that overtakes its
 * `processing` on an unordered queue is refused for good and dropped, and the job is left
 * non-terminal for ever. The run must report it.
 */
export class OrderBoundStatusUpdates extends UpdateJobStatus {
  constructor(private readonly given: UpdateJobStatusDeps) {
    super(given);
  }

  override execute(input: UpdateJobStatusInput): ResultAsync<Job, UpdateJobStatusError> {
    if (input.change.status !== 'completed') return super.execute(input);
    return this.given.jobs.get(input.jobId).andThen((job) =>
      job !== undefined && job.status !== 'processing'
        ? errAsync<Job, UpdateJobStatusError>({ type: 'JobStatusRefused', jobId: input.jobId, requested: 'completed', current: job, mayApplyLater: false })
        : super.execute(input),
    );
  }
}
