import type { ResultAsync } from 'neverthrow';
import type { Job } from '../../domain/jobs/Job.js';

/** A job with this id already exists; `create` never overwrites. */
export interface JobIdTaken {
  readonly type: 'JobIdTaken';
  readonly jobId: string;
}

/** The idempotency key was already used; `jobId` is the job it created. */
export interface IdempotencyKeyTaken {
  readonly type: 'IdempotencyKeyTaken';
  readonly idempotencyKey: string;
  readonly jobId: string;
}

export interface JobNotFound {
  readonly type: 'JobNotFound';
  readonly jobId: string;
}

/** Someone else changed the job since it was read: `current` is the job as it is now. */
export interface JobChanged {
  readonly type: 'JobChanged';
  readonly current: Job;
}

export interface CreateJobOptions {
  /**
   * Records the key with the job in one atomic write, so a retried submit finds the job it
   * created instead of making a second one.
   */
  readonly idempotencyKey?: string;
}

/**
 * The durable store of jobs. Every change is one write conditioned on the status and version
 * the caller read, so a stale or concurrent writer loses and learns the current job in the
 * same round trip. Unknown infrastructure faults reject (throw).
 *
 * @example
 * const next = transition(job, { status: 'processing' }, clock.now());
 * if (next.isOk()) await jobs.update(job, next.value); // err JobChanged if someone got there first
 */
export interface Jobs {
  /** Stores a new job (and its idempotency key, if given); never overwrites either. */
  create(job: Job, options?: CreateJobOptions): ResultAsync<void, JobIdTaken | IdempotencyKeyTaken>;

  /** The job, read consistently; undefined if there is none. */
  get(jobId: string): Promise<Job | undefined>;

  /**
   * Replaces `previous` by `next` if the stored job still has `previous.status` and
   * `previous.version`. Returns `next`.
   */
  update(previous: Job, next: Job): ResultAsync<Job, JobNotFound | JobChanged>;

  /**
   * Forgets an idempotency key if it still points at `jobId`, so the client's retry makes a
   * new job (used when a submit could not be handed to the queue).
   */
  releaseIdempotencyKey(idempotencyKey: string, jobId: string): Promise<void>;

  /**
   * The queue took the job's message. A job `create`d `submitted` counts as unqueued until
   * this, or until any `update` moves it on.
   */
  markQueued(jobId: string): Promise<void>;

  /**
   * Ids of unqueued jobs (recorded, never handed to the queue: the function died in between)
   * submitted at or before `submittedBy`, oldest first, at most `limit` — from a sparse index,
   * never a scan, and so possibly a little behind: read each job before acting on it.
   */
  unqueuedBefore(submittedBy: Date, limit: number): Promise<readonly string[]>;
}
