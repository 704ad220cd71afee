import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { canonicalJson } from '../../domain/jobs/canonicalJson.js';
import { newJob, transition, type Job } from '../../domain/jobs/Job.js';
import { IDEMPOTENCY_KEY_PATTERN, MAX_JOB_SPEC_BYTES } from '../../domain/jobs/jobLimits.js';
import { invalidField, invalidInput, type InvalidInput } from '../../domain/shared/InvalidInput.js';
import { storableIssues } from '../../domain/shared/storableLimits.js';
import type { Log } from '../ports/Log.js';
import type { Ports } from '../ports/Ports.js';
import { validate } from '../shared/validate.js';
import { metadataOf, SubmitJobSpecSchema } from './submitJobSpec.js';

export interface SubmitJobInput {
  /** The parsed request body: a job spec. */
  readonly spec: unknown;
  /** The client's `Idempotency-Key`: a retried submit with the same key and spec gets the same job. */
  readonly idempotencyKey?: string;
}

export interface SubmittedJob {
  readonly job: Job;
  /** True when the idempotency key had already made this job: nothing new was created or queued. */
  readonly replayed: boolean;
}

export interface JobSpecTooLarge {
  readonly type: 'JobSpecTooLarge';
  readonly bytes: number;
  readonly limit: number;
}

/** The idempotency key was used for a different spec. */
export interface IdempotencyKeyReused {
  readonly type: 'IdempotencyKeyReused';
  readonly idempotencyKey: string;
  readonly jobId: string;
}

/** The job was recorded but the queue could not take it: it is now `failed` and the key released. Retry. */
export interface JobNotQueued {
  readonly type: 'JobNotQueued';
  readonly jobId: string;
}

export type SubmitJobError = InvalidInput | JobSpecTooLarge | IdempotencyKeyReused | JobNotQueued;

/**
 * A replayed submit re-sends a job still `submitted` this long after it was recorded: the first
 * request is surely over by then (API Gateway gives up after 29 s), so the job was recorded but
 * its send was lost (the function crashed or timed out in between). Sooner, the first request
 * may still be sending, and a second message would only make a duplicate.
 */
export const RESEND_SUBMITTED_AFTER_SECONDS = 30;

/** What SubmitJob is given: see {@link Ports} for the one name of each port. */
export type SubmitJobDeps = Pick<Ports, 'jobs' | 'queue' | 'ids' | 'clock' | 'log' | 'metrics'>;

/**
 * Records a job (one conditional write, with its idempotency key in the same transaction),
 * then queues it. If the queue refuses, the job is marked `failed` (kept for debugging, never
 * left `submitted` with nothing queued) and its idempotency key released, so the client's
 * retry with the same key makes a fresh job. If the function died between the record and the
 * send, the client's retry with the same key finds the job still `submitted` and sends it;
 * without a retry, `SweepUnqueuedJobs` finds it (a job counts as unqueued until the queue took
 * its message) and sends or fails it.
 *
 * @example
 * const r = await submitJob.execute({ spec: JSON.parse(body), idempotencyKey: headers['idempotency-key'] });
 * // ok({ job: { jobId, status: 'submitted', … }, replayed: false })
 */
export class SubmitJob {
  constructor(private readonly deps: SubmitJobDeps) {}

  execute(input: SubmitJobInput): ResultAsync<SubmittedJob, SubmitJobError> {
    const key = input.idempotencyKey;
    if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      return errAsync(invalidField('Idempotency-Key', 'must be 1 to 255 printable ASCII characters'));
    }
    if (typeof input.spec !== 'object' || input.spec === null || Array.isArray(input.spec)) {
      return errAsync(invalidField('', 'the body must be a JSON object (a job spec)'));
    }
    // Storable first: the checks after it (size, canonical form) walk the spec recursively.
    const unstorable = storableIssues('', input.spec);
    if (unstorable.length > 0) return errAsync(invalidInput(unstorable));
    const parsed = validate(SubmitJobSpecSchema, input.spec);
    if (parsed.isErr()) return errAsync(parsed.error);
    const spec = parsed.value;
    const bytes = new TextEncoder().encode(JSON.stringify(spec)).length;
    if (bytes > MAX_JOB_SPEC_BYTES) return errAsync({ type: 'JobSpecTooLarge', bytes, limit: MAX_JOB_SPEC_BYTES });

    const job = newJob({ jobId: this.deps.ids.uuid(), spec, metadata: metadataOf(spec), now: this.deps.clock.now() });
    const log = this.deps.log.with({ job_id: job.jobId });
    return this.deps.jobs
      .create(job, key === undefined ? {} : { idempotencyKey: key })
      .map((): SubmittedJob | undefined => undefined)
      .orElse((taken): ResultAsync<SubmittedJob | undefined, SubmitJobError> => {
        switch (taken.type) {
          case 'IdempotencyKeyTaken':
            return this.replay(taken.idempotencyKey, taken.jobId, spec);
          case 'JobIdTaken':
            // A fresh UUID v4 never collides; if it did, the store is not what we think it is.
            throw new Error(`job id ${taken.jobId} already exists`);
        }
      })
      .andThen((replayed) => (replayed ? okAsync(replayed) : this.enqueue(job, key, log, false)));
  }

  private replay(idempotencyKey: string, jobId: string, spec: unknown): ResultAsync<SubmittedJob, SubmitJobError> {
    return this.deps.jobs.get(jobId).andThen((existing) => {
      if (existing === undefined || canonicalJson(existing.spec) !== canonicalJson(spec)) {
        return errAsync<SubmittedJob, SubmitJobError>({ type: 'IdempotencyKeyReused', idempotencyKey, jobId });
      }
      this.deps.log.info('Idempotent submit replayed', { job_id: jobId, status: existing.status });
      this.deps.metrics.count('JobSubmitsReplayed');
      const age = (this.deps.clock.now().getTime() - Date.parse(existing.submittedAt)) / 1000;
      if (existing.status === 'submitted' && age >= RESEND_SUBMITTED_AFTER_SECONDS) {
        return this.enqueue(existing, idempotencyKey, this.deps.log.with({ job_id: jobId }), true);
      }
      return okAsync({ job: existing, replayed: true });
    });
  }

  /**
   * The send went through; the job leaves the sweeper's set. If this write fails the job was
   * still queued, so the answer stays a success; the sweeper may send it once more later, which
   * the job's status machine absorbs (a repeated `processing` is a takeover).
   */
  private markQueued(jobId: string, log: Log): ResultAsync<void, never> {
    const marked = async () => {
      try {
        await this.deps.jobs.markQueued(jobId);
      } catch (fault) {
        log.warn('Job queued, but could not be marked so; the sweeper may send it again', { error: String(fault) });
      }
    };
    return ResultAsync.fromSafePromise(marked());
  }

  private enqueue(
    job: Job,
    key: string | undefined,
    log: Log,
    replayed: boolean,
  ): ResultAsync<SubmittedJob, SubmitJobError> {
    return this.deps.queue
      .enqueue(job)
      .andThen(() => this.markQueued(job.jobId, log))
      .map((): SubmittedJob => {
        log.info(replayed ? 'Job sent again: still submitted on replay' : 'Job submitted', { status: job.status });
        this.deps.metrics.count(replayed ? 'JobsResent' : 'JobsSubmitted');
        return { job, replayed };
      })
      .orElse((unavailable) => {
        log.error('Job could not be queued; marking it failed', { error: String(unavailable.cause) });
        this.deps.metrics.count('JobsNotQueued');
        const failed = transition(
          job,
          { status: 'failed', error: { type: 'JobQueueUnavailable', message: 'The job could not be queued for processing' } },
          this.deps.clock.now(),
        );
        // submitted → failed is always legal; if the write loses, a processor already has the
        // job (the send did go through after all), so it is left as that processor made it.
        const marked = failed.isOk() ? this.deps.jobs.update(job, failed.value).orElse(() => okAsync(failed.value)) : okAsync(job);
        return marked
          .andThen(() => (key === undefined ? okAsync(undefined) : this.deps.jobs.releaseIdempotencyKey(key, job.jobId)))
          .andThen(() => errAsync<SubmittedJob, SubmitJobError>({ type: 'JobNotQueued', jobId: job.jobId }));
      });
  }
}
