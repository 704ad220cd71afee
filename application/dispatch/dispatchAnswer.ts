import { err, ok, type Result } from 'neverthrow';
import type { Dispatch } from '../../domain/dispatch/Dispatch.js';
import type { JobSource } from '../../domain/dispatch/JobSource.js';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';

export type DispatchToEcsAnswer =
  /** This call launched the task. */
  | { readonly type: 'Launched'; readonly dispatch: Dispatch }
  /** A repeat of a job whose task was already launched: nothing new started. */
  | { readonly type: 'AlreadyLaunched'; readonly dispatch: Dispatch };

/** A torrent or magnet source, and no Transmission task definition is configured. */
export interface TorrentsNotConfigured {
  readonly type: 'TorrentsNotConfigured';
  readonly source: JobSource;
}

/** The job id was used before for another source. */
export interface JobIdReused {
  readonly type: 'JobIdReused';
  readonly jobId: string;
  readonly current: Dispatch;
}

/** Another delivery of this job is launching it right now. */
export interface LaunchInProgress {
  readonly type: 'LaunchInProgress';
  readonly dispatch: Dispatch;
}

/** ECS had no room; nothing started, the job stays `submitted` and a later delivery tries again. */
export interface DispatchCapacityUnavailable {
  readonly type: 'CapacityUnavailable';
  readonly dispatch: Dispatch;
  readonly reasons: readonly string[];
}

/** ECS refused the launch for good; the job is `failed`. */
export interface DispatchLaunchRejected {
  readonly type: 'LaunchRejected';
  readonly dispatch: Dispatch;
  readonly reasons: readonly string[];
}

/** ECS could not be reached; a task may or may not have started. A repeat finds out (same ECS token). */
export interface LaunchOutcomeUnknown {
  readonly type: 'LaunchOutcomeUnknown';
  readonly dispatch: Dispatch;
}

export type DispatchToEcsError =
  | InvalidInput
  | TorrentsNotConfigured
  | JobIdReused
  | LaunchInProgress
  | DispatchCapacityUnavailable
  | DispatchLaunchRejected
  | LaunchOutcomeUnknown;

/**
 * What a delivery that started `taskArn` answers, from the record as it was left: naming this
 * task → launched; `submitted` at a newer attempt still in doubt → in progress (the next
 * delivery settles it); anything else → another task runs the job, already launched.
 */
export function launchAnswer(stored: Dispatch, taskArn: string): Result<DispatchToEcsAnswer, LaunchInProgress> {
  if (stored.launch.taskArn === taskArn) return ok({ type: 'Launched', dispatch: stored });
  if (stored.job.status === 'submitted') return err({ type: 'LaunchInProgress', dispatch: stored });
  return ok({ type: 'AlreadyLaunched', dispatch: stored });
}
