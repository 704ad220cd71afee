import { err, ok, type Result } from 'neverthrow';
import { addDays, epochSeconds, isoSeconds } from '../shared/time.js';
import { isIllegal, nextStatus, type IllegalTransition, type TransitionTable } from '../shared/transitions.js';

/**
 * submitted   recorded and queued; no processor has taken it yet.
 * processing  a processor is working on it (attempt number `attempts`).
 * retrying    the last attempt failed transiently; the queue will deliver it again.
 * completed   finished with an output. Final.
 * failed      permanent failure, or attempts exhausted. Final.
 */
export type JobStatus = 'submitted' | 'processing' | 'retrying' | 'completed' | 'failed';

/**
 * start     a processor takes the job (also from `processing`: the queue redelivered the
 *           message of a processor that died, and a new one takes over).
 * complete  the output is ready.
 * retry     a transient failure; another attempt will come.
 * exhaust   a transient failure with no attempts left: final failure.
 * fail      a permanent failure (processor, queue hand-off, or pipeline error).
 */
export type JobEvent = 'start' | 'complete' | 'retry' | 'exhaust' | 'fail';

/**
 * The whole status machine. Nothing leaves `completed` or `failed`. A completion is taken from
 * any non-final status: on an unordered queue it can overtake the `processing` report of its
 * own attempt (or of a retry), and a final outcome must never be refused for arriving early.
 */
export const JOB_TRANSITIONS: TransitionTable<JobStatus, JobEvent> = {
  submitted: { start: 'processing', complete: 'completed', fail: 'failed' },
  processing: { start: 'processing', complete: 'completed', retry: 'retrying', exhaust: 'failed', fail: 'failed' },
  retrying: { start: 'processing', complete: 'completed', exhaust: 'failed', fail: 'failed' },
  completed: {},
  failed: {},
};

export const JOB_STATUSES: readonly JobStatus[] = ['submitted', 'processing', 'retrying', 'completed', 'failed'];
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed'];

/** How far along a status is; no legal transition lowers it (the property tests check this). */
export const JOB_STATUS_RANK: Readonly<Record<JobStatus, number>> = {
  submitted: 0,
  processing: 1,
  retrying: 1,
  completed: 2,
  failed: 2,
};

export const JOB_TTL_DAYS = 7;
export const DEFAULT_MAX_ATTEMPTS = 3;

/** Where the result is and what it is. `s3Uri` is `s3://bucket/key`; duration in seconds, size in bytes. */
export interface JobOutput {
  readonly s3Uri: string;
  readonly duration?: number;
  readonly size?: number;
}

/** Why a job failed (or why the last attempt did). `state` is the pipeline state that failed (003). */
export interface JobError {
  readonly message: string;
  readonly type?: string;
  readonly state?: string;
}

export type JobMetadata = Readonly<Record<string, unknown>>;

/** A tracked job (seed 002). Timestamps are ISO-8601 UTC seconds; `version` orders every write. */
export interface Job {
  readonly jobId: string;
  readonly status: JobStatus;
  /** 1 when created; +1 on every change. Writes are conditioned on it (optimistic locking). */
  readonly version: number;
  /** The full job specification as submitted, kept for debugging and reprocessing. */
  readonly spec: JobMetadata;
  readonly metadata: JobMetadata;
  readonly submittedAt: string;
  readonly updatedAt: string;
  /** When the first attempt started; `processingTime` is measured from here. */
  readonly startedAt?: string;
  readonly completedAt?: string;
  readonly failedAt?: string;
  /** Attempts started so far. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly output?: JobOutput;
  readonly error?: JobError;
  /** Epoch seconds; DynamoDB TTL deletes the item after this. */
  readonly ttl: number;
}

export interface NewJob {
  readonly jobId: string;
  readonly spec: JobMetadata;
  readonly metadata?: JobMetadata;
  readonly maxAttempts?: number;
  /** Days the record is kept (seed 002: 7; seed 004 reads TTL_DAYS). */
  readonly ttlDays?: number;
  readonly now: Date;
}

/**
 * A freshly submitted job, version 1.
 *
 * @example
 * const job = newJob({ jobId: ids.uuid(), spec: body, now: clock.now() });
 */
export function newJob(input: NewJob): Job {
  const at = isoSeconds(input.now);
  return {
    jobId: input.jobId,
    status: 'submitted',
    version: 1,
    spec: input.spec,
    metadata: input.metadata ?? {},
    submittedAt: at,
    updatedAt: at,
    attempts: 0,
    maxAttempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ttl: epochSeconds(addDays(input.now, input.ttlDays ?? JOB_TTL_DAYS)),
  };
}

/**
 * A requested change, named by the status the caller wants (processors speak in statuses).
 * `metadata` is merged into the job's metadata (later keys win). `attempt` is the attempt the
 * report is about (the job's `attempts` after that processor's `processing`): with it, a late
 * or duplicated report of an earlier attempt is refused instead of, say, putting a job that
 * a newer attempt is processing back into `retrying`. Without it, reports are judged on
 * status alone — then deliver them in order (a FIFO queue grouped by job id).
 */
export type JobChange =
  | { readonly status: 'processing'; readonly metadata?: JobMetadata }
  | { readonly status: 'completed'; readonly output?: JobOutput; readonly metadata?: JobMetadata; readonly attempt?: number }
  | { readonly status: 'retrying'; readonly error?: JobError; readonly metadata?: JobMetadata; readonly attempt?: number }
  | { readonly status: 'failed'; readonly error: JobError; readonly metadata?: JobMetadata; readonly attempt?: number };

/** The report is about an attempt older than the job's current one. */
export interface StaleAttempt {
  readonly type: 'StaleAttempt';
  readonly attempt: number;
  readonly current: number;
}

/** The report is about an attempt the job has not seen start yet (its `processing` is still on the way). */
export interface AttemptNotStarted {
  readonly type: 'AttemptNotStarted';
  readonly attempt: number;
  readonly current: number;
}

export type JobTransitionError = IllegalTransition<JobStatus, JobEvent> | StaleAttempt | AttemptNotStarted;

/**
 * Whether a refused change could still apply once reports still on the way have arrived: a
 * `retrying` that overtook its attempt's `processing` (the job is still `submitted`, or at an
 * older attempt). Such a report must be delivered again, not dropped; any other refusal is final.
 */
export function mayApplyLater(job: Job, change: JobChange, refusal: JobTransitionError): boolean {
  if (isFinal(job.status) || change.status !== 'retrying') return false;
  return refusal.type === 'AttemptNotStarted' || job.status === 'submitted';
}

/** The event a change means for this job: a retry with no attempts left is an exhaustion. */
export function eventFor(job: Job, change: JobChange): JobEvent {
  switch (change.status) {
    case 'processing':
      return 'start';
    case 'completed':
      return 'complete';
    case 'retrying':
      return job.attempts >= job.maxAttempts ? 'exhaust' : 'retry';
    case 'failed':
      return 'fail';
  }
}

/**
 * Applies a change through the transition table. The result has `version + 1`; persist it
 * with a write conditioned on the input's status and version.
 *
 * @example
 * const next = transition(job, { status: 'completed', output: { s3Uri: 's3://b/out.mp4' } }, now);
 * if (next.isErr()) // { type: 'IllegalTransition', from: 'completed', event: 'start' }
 */
export function transition(job: Job, change: JobChange, now: Date): Result<Job, JobTransitionError> {
  if (change.status !== 'processing' && change.attempt !== undefined && change.attempt < job.attempts) {
    return err({ type: 'StaleAttempt', attempt: change.attempt, current: job.attempts });
  }
  // A retry of an attempt not yet started here would mark the wrong attempt; final reports apply at once.
  if (change.status === 'retrying' && change.attempt !== undefined && change.attempt > job.attempts && !isFinal(job.status)) {
    return err({ type: 'AttemptNotStarted', attempt: change.attempt, current: job.attempts });
  }
  const event = eventFor(job, change);
  const to = nextStatus(JOB_TRANSITIONS, job.status, event);
  if (isIllegal(to)) return err(to);
  const at = isoSeconds(now);
  const base: Job = {
    ...job,
    status: to,
    version: job.version + 1,
    updatedAt: at,
    metadata: change.metadata === undefined ? job.metadata : { ...job.metadata, ...change.metadata },
  };
  switch (change.status) {
    case 'processing':
      return ok({ ...base, attempts: job.attempts + 1, startedAt: job.startedAt ?? at });
    case 'completed':
      return ok({ ...base, completedAt: at, ...(change.output === undefined ? {} : { output: change.output }) });
    case 'retrying': {
      const error = change.error ?? job.error;
      const withError = error === undefined ? base : { ...base, error };
      return ok(to === 'failed' ? { ...withError, failedAt: at } : withError);
    }
    case 'failed':
      return ok({ ...base, error: change.error, failedAt: at });
  }
}

/** Seconds from the first start (or submission, if it never started) to completion or failure; null while running. */
export function processingTime(job: Job): number | null {
  const end = job.completedAt ?? job.failedAt;
  if (end === undefined) return null;
  const start = job.startedAt ?? job.submittedAt;
  return Math.max(0, (Date.parse(end) - Date.parse(start)) / 1000);
}

export function isFinal(status: JobStatus): boolean {
  return FINAL_JOB_STATUSES.includes(status);
}
