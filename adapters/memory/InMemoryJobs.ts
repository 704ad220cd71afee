import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type {
  CreateJobOptions,
  IdempotencyKeyTaken,
  JobChanged,
  JobIdTaken,
  JobNotFound,
  Jobs,
} from '../../application/ports/Jobs.js';
import type { Job } from '../../domain/jobs/Job.js';

/**
 * Jobs in a Map, with the same conditional-write semantics as the DynamoDB adapter (the
 * contract suite runs both). Every call is atomic, as one DynamoDB write is.
 */
export class InMemoryJobs implements Jobs {
  private readonly items = new Map<string, Job>();
  private readonly keys = new Map<string, string>();
  /** Jobs created `submitted` and not yet marked queued (the sparse index of the DynamoDB adapter). */
  private readonly unqueued = new Set<string>();
  /** Calls made, by method: tests and the simulation count storage round trips. */
  readonly calls = { create: 0, get: 0, update: 0, releaseIdempotencyKey: 0, markQueued: 0, unqueuedBefore: 0 };

  create(job: Job, options: CreateJobOptions = {}): ResultAsync<void, JobIdTaken | IdempotencyKeyTaken> {
    this.calls.create += 1;
    const key = options.idempotencyKey;
    const owner = key === undefined ? undefined : this.keys.get(key);
    if (key !== undefined && owner !== undefined) {
      return errAsync({ type: 'IdempotencyKeyTaken', idempotencyKey: key, jobId: owner });
    }
    if (this.items.has(job.jobId)) return errAsync({ type: 'JobIdTaken', jobId: job.jobId });
    this.items.set(job.jobId, job);
    if (job.status === 'submitted') this.unqueued.add(job.jobId);
    if (key !== undefined) this.keys.set(key, job.jobId);
    return okAsync(undefined);
  }

  async get(jobId: string): Promise<Job | undefined> {
    this.calls.get += 1;
    return this.items.get(jobId);
  }

  update(previous: Job, next: Job): ResultAsync<Job, JobNotFound | JobChanged> {
    this.calls.update += 1;
    const current = this.items.get(previous.jobId);
    if (!current) return errAsync({ type: 'JobNotFound', jobId: previous.jobId });
    if (current.status !== previous.status || current.version !== previous.version) {
      return errAsync({ type: 'JobChanged', current });
    }
    this.items.set(previous.jobId, next);
    this.unqueued.delete(previous.jobId);
    return okAsync(next);
  }

  async releaseIdempotencyKey(idempotencyKey: string, jobId: string): Promise<void> {
    this.calls.releaseIdempotencyKey += 1;
    if (this.keys.get(idempotencyKey) === jobId) this.keys.delete(idempotencyKey);
  }

  async markQueued(jobId: string): Promise<void> {
    this.calls.markQueued += 1;
    this.unqueued.delete(jobId);
  }

  async unqueuedBefore(submittedBy: Date, limit: number): Promise<readonly string[]> {
    this.calls.unqueuedBefore += 1;
    const cutoff = submittedBy.getTime();
    const due = [...this.unqueued]
      .map((id) => this.items.get(id)!)
      .filter((job) => Date.parse(job.submittedAt) <= cutoff)
      .sort((a, b) => (a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : 0))
      .slice(0, limit)
      .map((job) => job.jobId);
    return due;
  }

  /** How many jobs are recorded but not yet queued (the simulation waits for the sweeper to clear them). */
  get unqueuedCount(): number {
    return this.unqueued.size;
  }

  /** Every job, for assertions and the simulation's invariants. */
  all(): Job[] {
    return [...this.items.values()];
  }
}
