import { err, ok, ResultAsync, safeTry, type Result } from 'neverthrow';
import { canonicalJson } from '../../domain/jobs/canonicalJson.js';
import { newJob, transition, type Job } from '../../domain/jobs/Job.js';
import { IDEMPOTENCY_KEY_PATTERN, MAX_JOB_SPEC_BYTES } from '../../domain/jobs/jobLimits.js';
import { invalidField, invalidInput, type InvalidInput } from '../../domain/shared/InvalidInput.js';
import { storableIssues } from '../../domain/shared/storableLimits.js';
import type { JobQueueUnavailable } from '../ports/JobQueue.js';
import type { IdempotencyKeyTaken, JobIdTaken } from '../ports/Jobs.js';
import type { Log } from '../ports/Log.js';
import type { Ports } from '../ports/Ports.js';
import { validate } from '../shared/validate.js';
import { metadataOf, SubmitJobSpecSchema, type SubmitJobSpec } from './submitJobSpec.js';

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
const RESEND_SUBMITTED_AFTER_SECONDS = 30;

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
    const { jobs, ids, clock } = this.deps;
    const rootLog = this.deps.log;
    const enqueue = (job: Job, key: string | undefined, log: Log) => this.enqueue(job, key, log, false);
    const replay = (taken: IdempotencyKeyTaken, spec: SubmitJobSpec) => this.replay(taken, spec);
    return safeTry(async function* () {
      const key = yield* idempotencyKeyOf(input.idempotencyKey);
      const spec = yield* jobSpecOf(input.spec);
      const job = newJob({ jobId: ids.uuid(), spec, metadata: metadataOf(spec), now: clock.now() });
      const created = await jobs.create(job, key === undefined ? {} : { idempotencyKey: key });
      // A taken key is a retried submit: it is answered with the job that key made.
      const submitted = created.isOk()
        ? yield* enqueue(job, key, rootLog.with({ job_id: job.jobId }))
        : yield* replay(keyTaken(created.error), spec);
      return ok(submitted);
    });
  }

  private replay(taken: IdempotencyKeyTaken, spec: SubmitJobSpec): ResultAsync<SubmittedJob, SubmitJobError> {
    const { jobs, clock, log, metrics } = this.deps;
    const { idempotencyKey, jobId } = taken;
    const resend = (job: Job) => this.enqueue(job, idempotencyKey, log.with({ job_id: jobId }), true);
    return safeTry(async function* () {
      const existing = await jobs.get(jobId);
      if (existing === undefined || canonicalJson(existing.spec) !== canonicalJson(spec)) {
        return err({ type: 'IdempotencyKeyReused' as const, idempotencyKey, jobId });
      }
      log.info('Idempotent submit replayed', { job_id: jobId, status: existing.status });
      metrics.count('JobSubmitsReplayed');
      const age = (clock.now().getTime() - Date.parse(existing.submittedAt)) / 1000;
      const lost = existing.status === 'submitted' && age >= RESEND_SUBMITTED_AFTER_SECONDS;
      return ok(lost ? yield* resend(existing) : { job: existing, replayed: true });
    });
  }

  /**
   * Hands the job to the queue, then takes it out of the sweeper's set. If the queue refuses,
   * the job is marked `failed` and its key released (see {@link notQueued}).
   */
  private enqueue(job: Job, key: string | undefined, log: Log, replayed: boolean): ResultAsync<SubmittedJob, JobNotQueued> {
    const { queue, metrics } = this.deps;
    const notQueued = (unavailable: JobQueueUnavailable) => new ResultAsync(this.notQueued(job, key, log, unavailable));
    const markQueued = () => this.markQueued(job.jobId, log);
    return safeTry(async function* () {
      yield* queue.enqueue(job).orElse(notQueued);
      await markQueued();
      log.info(replayed ? 'Job sent again: still submitted on replay' : 'Job submitted', { status: job.status });
      metrics.count(replayed ? 'JobsResent' : 'JobsSubmitted');
      return ok({ job, replayed });
    });
  }

  /**
   * The queue refused: the job is marked `failed` (kept for debugging, never left `submitted`
   * with nothing queued) and its idempotency key released, so the client's retry with the same
   * key makes a fresh job.
   */
  private async notQueued(job: Job, key: string | undefined, log: Log, unavailable: JobQueueUnavailable): Promise<Result<never, JobNotQueued>> {
    const { jobs, clock, metrics } = this.deps;
    log.error('Job could not be queued; marking it failed', { error: String(unavailable.cause) });
    metrics.count('JobsNotQueued');
    const failed = transition(
      job,
      { status: 'failed', error: { type: 'JobQueueUnavailable', message: 'The job could not be queued for processing' } },
      clock.now(),
    );
    // submitted → failed is always legal; if the write loses, a processor already has the job
    // (the send did go through after all), so it is left as that processor made it.
    const marked = failed.isOk() ? await jobs.update(job, failed.value) : failed;
    if (marked.isErr()) log.warn('Job not marked failed: it moved on meanwhile', { error: marked.error.type });
    if (key !== undefined) await jobs.releaseIdempotencyKey(key, job.jobId);
    return err({ type: 'JobNotQueued', jobId: job.jobId });
  }

  /**
   * The send went through; the job leaves the sweeper's set. If this write fails the job was
   * still queued, so the answer stays a success; the sweeper may send it once more later, which
   * the job's status machine absorbs (a repeated `processing` is a takeover).
   */
  private async markQueued(jobId: string, log: Log): Promise<void> {
    try {
      await this.deps.jobs.markQueued(jobId);
    } catch (fault) {
      log.warn('Job queued, but could not be marked so; the sweeper may send it again', { error: String(fault) });
    }
  }
}

function idempotencyKeyOf(key: string | undefined): Result<string | undefined, InvalidInput> {
  return key === undefined || IDEMPOTENCY_KEY_PATTERN.test(key)
    ? ok(key)
    : err(invalidField('Idempotency-Key', 'must be 1 to 255 printable ASCII characters'));
}

/** The body as a job spec: an object, storable (checked first: the checks after it walk the spec), valid, and small enough. */
function jobSpecOf(body: unknown): Result<SubmitJobSpec, InvalidInput | JobSpecTooLarge> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return err(invalidField('', 'the body must be a JSON object (a job spec)'));
  }
  const unstorable = storableIssues('', body);
  if (unstorable.length > 0) return err(invalidInput(unstorable));
  return validate(SubmitJobSpecSchema, body).andThen((spec) => {
    const bytes = new TextEncoder().encode(JSON.stringify(spec)).length;
    return bytes > MAX_JOB_SPEC_BYTES ? err({ type: 'JobSpecTooLarge' as const, bytes, limit: MAX_JOB_SPEC_BYTES }) : ok(spec);
  });
}

/** Only the key can be taken: a fresh UUID v4 never collides, and if it did the store is not what we think it is. */
function keyTaken(taken: JobIdTaken | IdempotencyKeyTaken): IdempotencyKeyTaken {
  if (taken.type === 'JobIdTaken') throw new Error(`job id ${taken.jobId} already exists`);
  return taken;
}
