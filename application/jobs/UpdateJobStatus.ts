import { errAsync, type ResultAsync } from 'neverthrow';
import { mayApplyLater, transition, type Job, type JobChange, type JobStatus } from '../../domain/jobs/Job.js';
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
    const log = this.deps.log.with({ job_id: input.jobId });
    return this.deps.jobs
      .get(input.jobId)
      .andThen((job) =>
        job === undefined
          ? errAsync<Job, UpdateJobStatusError>({ type: 'JobNotFound', jobId: input.jobId })
          : this.apply(job, input.change, 1),
      )
      .map((job) => {
        log.info('Job status updated', { status: job.status, version: job.version, attempts: job.attempts });
        this.deps.metrics.count('JobStatusUpdates');
        return job;
      })
      .mapErr((error) => {
        if (error.type === 'JobStatusRefused') {
          log.warn('Job status update refused', {
            from: error.current.status,
            requested: error.requested,
            may_apply_later: error.mayApplyLater,
          });
          this.deps.metrics.count('JobStatusRefused');
        }
        return error;
      });
  }

  private apply(job: Job, change: JobChange, round: number): ResultAsync<Job, UpdateJobStatusError> {
    const next = transition(job, change, this.deps.clock.now());
    if (next.isErr()) {
      return errAsync({
        type: 'JobStatusRefused',
        jobId: job.jobId,
        requested: change.status,
        current: job,
        mayApplyLater: mayApplyLater(job, change, next.error),
      });
    }
    return this.deps.jobs.update(job, next.value).orElse((lost): ResultAsync<Job, UpdateJobStatusError> => {
      switch (lost.type) {
        case 'JobNotFound':
          return errAsync(lost);
        case 'JobChanged':
          if (round >= MAX_ROUNDS) return errAsync({ type: 'JobBusy', jobId: job.jobId });
          return this.apply(lost.current, change, round + 1);
      }
    });
  }
}

