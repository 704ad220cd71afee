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
  /** Calls made, by method: tests and the simulation count storage round trips. */
  readonly calls = { create: 0, get: 0, update: 0, releaseIdempotencyKey: 0 };

  create(job: Job, options: CreateJobOptions = {}): ResultAsync<void, JobIdTaken | IdempotencyKeyTaken> {
    this.calls.create += 1;
    const key = options.idempotencyKey;
    const owner = key === undefined ? undefined : this.keys.get(key);
    if (key !== undefined && owner !== undefined) {
      return errAsync({ type: 'IdempotencyKeyTaken', idempotencyKey: key, jobId: owner });
    }
    if (this.items.has(job.jobId)) return errAsync({ type: 'JobIdTaken', jobId: job.jobId });
    this.items.set(job.jobId, job);
    if (key !== undefined) this.keys.set(key, job.jobId);
    return okAsync(undefined);
  }

  get(jobId: string): ResultAsync<Job | undefined, never> {
    this.calls.get += 1;
    return okAsync(this.items.get(jobId));
  }

  update(previous: Job, next: Job): ResultAsync<Job, JobNotFound | JobChanged> {
    this.calls.update += 1;
    const current = this.items.get(previous.jobId);
    if (!current) return errAsync({ type: 'JobNotFound', jobId: previous.jobId });
    if (current.status !== previous.status || current.version !== previous.version) {
      return errAsync({ type: 'JobChanged', current });
    }
    this.items.set(previous.jobId, next);
    return okAsync(next);
  }

  releaseIdempotencyKey(idempotencyKey: string, jobId: string): ResultAsync<void, never> {
    this.calls.releaseIdempotencyKey += 1;
    if (this.keys.get(idempotencyKey) === jobId) this.keys.delete(idempotencyKey);
    return okAsync(undefined);
  }

  /** Every job, for assertions and the simulation's invariants. */
  all(): Job[] {
    return [...this.items.values()];
  }
}
