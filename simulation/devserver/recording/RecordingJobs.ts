import type { ResultAsync } from 'neverthrow';
import type { Clock } from '../../../application/ports/Clock.js';
import type { CreateJobOptions, IdempotencyKeyTaken, JobChanged, JobIdTaken, JobNotFound, Jobs } from '../../../application/ports/Jobs.js';
import type { Job } from '../../../domain/jobs/Job.js';
import { History } from './History.js';

/** Any `Jobs` store, with each job's transitions kept beside it (and the writes that lost). */
export class RecordingJobs implements Jobs {
  readonly history = new History();

  constructor(
    private readonly inner: Jobs,
    private readonly clock: Clock,
  ) {}

  create(job: Job, options?: CreateJobOptions): ResultAsync<void, JobIdTaken | IdempotencyKeyTaken> {
    return this.inner.create(job, options).map(() => {
      this.add(job.jobId, 'status', job.status, options?.idempotencyKey ? 'created with an Idempotency-Key' : 'created');
    });
  }

  get(jobId: string): Promise<Job | undefined> {
    return this.inner.get(jobId);
  }

  update(previous: Job, next: Job): ResultAsync<Job, JobNotFound | JobChanged> {
    return this.inner
      .update(previous, next)
      .map((job) => {
        this.add(job.jobId, 'status', job.status, `${previous.status} → ${job.status} (version ${job.version}, attempt ${job.attempts})`);
        return job;
      })
      .mapErr((error) => {
        if (error.type === 'JobChanged') this.add(previous.jobId, 'refused', error.current.status, `write lost: version ${previous.version} is now ${error.current.version}`);
        return error;
      });
  }

  async releaseIdempotencyKey(idempotencyKey: string, jobId: string): Promise<void> {
    await this.inner.releaseIdempotencyKey(idempotencyKey, jobId);
    this.add(jobId, 'note', this.history.of(jobId).at(-1)?.status ?? 'failed', 'Idempotency-Key released: a retry makes a new job');
  }

  markQueued(jobId: string): Promise<void> {
    return this.inner.markQueued(jobId);
  }

  unqueuedBefore(submittedBy: Date, limit: number): Promise<readonly string[]> {
    return this.inner.unqueuedBefore(submittedBy, limit);
  }

  private add(jobId: string, kind: 'status' | 'refused' | 'note', status: string, note: string): void {
    this.history.add(jobId, { at: this.clock.now().toISOString(), kind, status, note });
  }
}
