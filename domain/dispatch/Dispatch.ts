import { err, ok, type Result } from 'neverthrow';
import { newJob, transition, type Job, type JobTransitionError } from '../jobs/Job.js';
import { addSeconds, isoSeconds } from '../shared/time.js';
import type { JobSource } from './JobSource.js';

/**
 * A job handed to ECS (seed 004). Its status is a `Job`'s and moves only through the Job
 * transition table: `submitted` until a task starts (a capacity failure leaves it there: nothing
 * started, the job is still queued), `submitted → processing` when RunTask returns a task,
 * `submitted → failed` when ECS refuses the launch for good. The worker in the container takes
 * it on from `processing` with the Job rules (`completed`, `retrying`, `failed`).
 *
 * Beside the status, a dispatch keeps what only launching needs: which ECS attempt this is,
 * whether its outcome is known, and a lease so two deliveries of one job never launch at once.
 */
export interface Dispatch {
  readonly job: Job;
  readonly source: JobSource;
  readonly target: DispatchTarget;
  readonly launch: LaunchState;
}

/** Where and how the job runs; recorded so a reader sees exactly what was launched. */
export interface DispatchTarget {
  readonly taskDefinition: string;
  readonly containerName: string;
  readonly bucket: string;
  /** `recordings/{job_id}/`: the container writes under it. */
  readonly keyPrefix: string;
}

export interface LaunchState {
  /** 1-based number of the RunTask attempt in progress or last made. Names ECS's idempotency token. */
  readonly attempt: number;
  /**
   * The attempt's outcome is known (a task started, or ECS said none did). An unsettled attempt
   * may have started a task nobody recorded, so the next claim repeats it with the same token
   * and ECS answers with that task instead of starting a second one.
   */
  readonly settled: boolean;
  /** ISO time until which the holder of this attempt may launch; nobody else claims before. */
  readonly leaseUntil?: string;
  readonly taskArn?: string;
  readonly launchedAt?: string;
  /** Why the last attempt started nothing (capacity, or a refusal). */
  readonly lastFailure?: LaunchFailureRecord;
}

export interface LaunchFailureRecord {
  readonly code: 'CapacityUnavailable' | 'LaunchRejected';
  readonly reasons: readonly string[];
  readonly at: string;
}

export interface NewDispatch {
  readonly jobId: string;
  readonly source: JobSource;
  readonly target: DispatchTarget;
  /** The request as received, kept as the job's spec for debugging and reprocessing. */
  readonly spec: Readonly<Record<string, unknown>>;
  readonly ttlDays: number;
  readonly leaseSeconds: number;
  readonly now: Date;
}

/**
 * A new dispatch, already holding the lease of attempt 1: whoever stores it launches it.
 *
 * @example
 * const dispatch = newDispatch({ jobId, source, target, spec: body, ttlDays: 7, leaseSeconds: 120, now });
 */
export function newDispatch(input: NewDispatch): Dispatch {
  return {
    job: newJob({ jobId: input.jobId, spec: input.spec, ttlDays: input.ttlDays, now: input.now }),
    source: input.source,
    target: input.target,
    launch: { attempt: 1, settled: false, leaseUntil: isoSeconds(addSeconds(input.now, input.leaseSeconds)) },
  };
}

export function keyPrefixFor(jobId: string): string {
  return `recordings/${jobId}/`;
}

/** Why a stored dispatch cannot be launched by this caller now. */
export type NotLaunchable =
  | { readonly type: 'AlreadyLaunched'; readonly dispatch: Dispatch }
  | { readonly type: 'LaunchFailedForGood'; readonly dispatch: Dispatch }
  | { readonly type: 'LaunchInProgress'; readonly dispatch: Dispatch };

/**
 * Takes the right to launch a stored dispatch (another delivery of the same job, or a client
 * retry). Only a `submitted` job whose lease has run out can be claimed. A settled attempt is
 * followed by a new one (a new ECS token, so ECS does not replay its cached failure); an
 * unsettled one is repeated with the same token.
 */
export function claim(dispatch: Dispatch, now: Date, leaseSeconds: number): Result<Dispatch, NotLaunchable> {
  const { job, launch } = dispatch;
  if (job.status === 'failed') return err({ type: 'LaunchFailedForGood', dispatch });
  if (job.status !== 'submitted') return err({ type: 'AlreadyLaunched', dispatch });
  if (launch.leaseUntil !== undefined && Date.parse(launch.leaseUntil) > now.getTime()) {
    return err({ type: 'LaunchInProgress', dispatch });
  }
  return ok({
    ...dispatch,
    job: touched(job, now),
    launch: {
      ...launch,
      attempt: launch.settled ? launch.attempt + 1 : launch.attempt,
      settled: false,
      leaseUntil: isoSeconds(addSeconds(now, leaseSeconds)),
    },
  });
}

/** RunTask started a task: `submitted → processing` by the Job rules, task ARN recorded. */
export function launched(dispatch: Dispatch, taskArn: string, now: Date): Result<Dispatch, JobTransitionError> {
  return transition(dispatch.job, { status: 'processing' }, now).map((job) => ({
    ...dispatch,
    job,
    launch: settle(dispatch.launch, { taskArn, launchedAt: isoSeconds(now) }),
  }));
}

/**
 * ECS had no room (capacity, agent, placement): nothing started and the job stays `submitted`
 * (the Job rules' "received and queued"), the attempt settled so the next delivery tries afresh.
 */
export function deferred(dispatch: Dispatch, reasons: readonly string[], now: Date): Dispatch {
  return {
    ...dispatch,
    job: touched(dispatch.job, now),
    launch: settle(dispatch.launch, { lastFailure: { code: 'CapacityUnavailable', reasons, at: isoSeconds(now) } }),
  };
}

/** ECS refused the launch for good (missing task definition or cluster, bad parameters): `submitted → failed`. */
export function rejected(
  dispatch: Dispatch,
  reasons: readonly string[],
  now: Date,
): Result<Dispatch, JobTransitionError> {
  const message = `ECS refused to launch the task: ${reasons.join('; ')}`.slice(0, 1000);
  return transition(dispatch.job, { status: 'failed', error: { type: 'LaunchRejected', message } }, now).map(
    (job) => ({
      ...dispatch,
      job,
      launch: settle(dispatch.launch, { lastFailure: { code: 'LaunchRejected', reasons, at: isoSeconds(now) } }),
    }),
  );
}

/**
 * The attempt's outcome is unknown (ECS unreachable after retries): give the lease back so the
 * next delivery can repeat the attempt at once, with the same token.
 */
export function released(dispatch: Dispatch, now: Date): Dispatch {
  const { leaseUntil: _, ...launch } = dispatch.launch;
  return { ...dispatch, job: touched(dispatch.job, now), launch };
}

/**
 * The token ECS deduplicates RunTask calls with (for 24 hours): one per job and attempt, so a
 * repeated attempt gets the task it may already have started, never a second one.
 */
export function launchKey(dispatch: Dispatch): string {
  return `${dispatch.job.jobId}#${dispatch.launch.attempt}`;
}

/** A write that changes no status still bumps the version: every write is conditioned on it. */
function touched(job: Job, now: Date): Job {
  return { ...job, version: job.version + 1, updatedAt: isoSeconds(now) };
}

function settle(launch: LaunchState, changes: Partial<LaunchState>): LaunchState {
  const { leaseUntil: _, ...rest } = launch;
  return { ...rest, ...changes, settled: true };
}
