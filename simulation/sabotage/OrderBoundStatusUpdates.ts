import { err, ok, safeTry, type ResultAsync } from 'neverthrow';
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
    const { jobs } = this.given;
    const judged = (): ResultAsync<Job, UpdateJobStatusError> => super.execute(input);
    return safeTry(async function* () {
      const job = await jobs.get(input.jobId);
      if (job !== undefined && job.status !== 'processing') {
        return err({ type: 'JobStatusRefused' as const, jobId: input.jobId, requested: 'completed' as const, current: job, mayApplyLater: false });
      }
      return ok(yield* judged());
    });
  }
}
