import { err, ok, safeTry, type ResultAsync } from 'neverthrow';
import { mayApplyLater, transition, type Job, type JobChange, type JobStatus, type JobTransitionError } from '../../domain/jobs/Job.js';
import type { JobNotFound } from '../ports/Jobs.js';
import type { Ports } from '../ports/Ports.js';

export interface UpdateJobStatusInput {
  readonly jobId: string;
  readonly change: JobChange;
}

/** The job's status machine does not allow this change from where the job is now (e.g. completed → processing). */
export interface JobStatusRefused {
  readonly type: 'JobStatusRefused';
  readonly jobId: string;
  readonly requested: JobStatus;
  readonly current: Job;
  /** The report overtook one still on the way and may apply after it: deliver it again, do not drop it. */
  readonly mayApplyLater: boolean;
}

/** Other writers kept changing the job while this one retried; nothing was written. Safe to retry. */
export interface JobBusy {
  readonly type: 'JobBusy';
  readonly jobId: string;
}

export type UpdateJobStatusError = JobNotFound | JobStatusRefused | JobBusy;

/** Re-reads after a lost race before giving up: enough for a burst of writers on one job. */
const MAX_ROUNDS = 8;

/** What UpdateJobStatus is given: see {@link Ports} for the one name of each port. */
export type UpdateJobStatusDeps = Pick<Ports, 'jobs' | 'clock' | 'log' | 'metrics'>;

/**
 * The one way a processor changes a job (seed 002's "Job Status Manager"). Reads the job,
 * asks the domain whether the change is legal from its current status, and writes it
 * conditioned on the status and version it read. If another writer got there first, the
 * change is judged again against the job as it now is, so a late or concurrent update can
 * never move a job backwards (a `processing` that arrives after `completed` is refused).
 *
 * @example
 * const r = await updateJobStatus.execute({
 *   jobId,
 *   change: { status: 'completed', output: { s3Uri: 's3://bucket/out/video.mp4', duration: 42, size: 1234 } },
 * });
 */
export class UpdateJobStatus {
  constructor(private readonly deps: UpdateJobStatusDeps) {}

  execute(input: UpdateJobStatusInput): ResultAsync<Job, UpdateJobStatusError> {
    const { jobs, clock, metrics } = this.deps;
    const { jobId, change } = input;
    const log = this.deps.log.with({ job_id: jobId });
    const refused = (job: Job, refusal: JobTransitionError): JobStatusRefused => {
      const error = { type: 'JobStatusRefused' as const, jobId, requested: change.status, current: job, mayApplyLater: mayApplyLater(job, change, refusal) };
      log.warn('Job status update refused', { from: job.status, requested: change.status, may_apply_later: error.mayApplyLater });
      metrics.count('JobStatusRefused');
      return error;
    };
    return safeTry(async function* () {
      let job = await jobs.get(jobId);
      if (job === undefined) return err({ type: 'JobNotFound' as const, jobId });
      for (let round = 1; round <= MAX_ROUNDS; round += 1) {
        const current = job;
        const next = yield* transition(current, change, clock.now()).mapErr((refusal) => refused(current, refusal));
        const written = await jobs.update(current, next);
        if (written.isOk()) {
          log.info('Job status updated', { status: next.status, version: next.version, attempts: next.attempts });
          metrics.count('JobStatusUpdates');
          return ok(next);
        }
        if (written.error.type === 'JobNotFound') return err(written.error);
        // Lost the race: judge the change again against the job as it now is.
        job = written.error.current;
      }
      return err({ type: 'JobBusy' as const, jobId });
    });
  }
}
