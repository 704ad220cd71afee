import { err, ok, safeTry, type Result, type ResultAsync } from 'neverthrow';
import { claim, type Dispatch, type NotLaunchable } from '../../domain/dispatch/Dispatch.js';
import type { DispatchChanged, DispatchNotFound } from '../ports/Dispatches.js';
import type { Log } from '../ports/Log.js';
import type { Ports } from '../ports/Ports.js';
import type { DispatchLaunchRejected, JobIdReused, LaunchInProgress } from './dispatchAnswer.js';

/** This delivery holds the launch of `dispatch` now; or the job's task was launched before. */
export type LaunchTurn =
  | { readonly type: 'Launch'; readonly dispatch: Dispatch }
  | { readonly type: 'AlreadyLaunched'; readonly dispatch: Dispatch };

export type TakeLaunchError = JobIdReused | LaunchInProgress | DispatchLaunchRejected;

export type TakeLaunchDeps = Pick<Ports, 'dispatches' | 'clock' | 'metrics'>;

/**
 * The idempotent dispatch record: of any number of deliveries of one job, exactly one holds
 * its launch at a time. The first stores `fresh` (a write conditioned on the id being free,
 * `fresh` holding the lease of attempt 1); a repeat learns the record in the same round trip
 * and either is told the job's state, or, if an earlier attempt started nothing or its lease
 * ran out, claims it (a write conditioned on the version).
 *
 * @example
 * const turn = yield* takeLaunch({ dispatches, clock, metrics }, fresh, settings.leaseSeconds, log);
 * if (turn.type === 'AlreadyLaunched') return ok(turn);
 */
export function takeLaunch(deps: TakeLaunchDeps, fresh: Dispatch, leaseSeconds: number, log: Log): ResultAsync<LaunchTurn, TakeLaunchError> {
  const { dispatches, metrics } = deps;
  return safeTry(async function* () {
    const created = await dispatches.create(fresh);
    // A record already there is a fork, not a failure to pass on: a repeated delivery.
    if (created.isErr()) {
      metrics.count('DispatchDuplicates');
      return await takeOver(deps, created.error.current, fresh, leaseSeconds, log, true);
    }
    log.info('Job recorded', { source_kind: fresh.source.kind, task_definition: fresh.target.taskDefinition });
    metrics.count('JobsReceived');
    return ok({ type: 'Launch' as const, dispatch: fresh });
  });
}

/** Another delivery of a known job: report it, or take over its launch if nobody holds it. */
function takeOver(
  deps: TakeLaunchDeps,
  current: Dispatch,
  requested: Dispatch,
  leaseSeconds: number,
  log: Log,
  mayRetry: boolean,
): ResultAsync<LaunchTurn, TakeLaunchError> {
  const { dispatches, clock } = deps;
  return safeTry(async function* () {
    if (current.source.url !== requested.source.url) {
      log.warn('Job id reused for another source', { source_kind: requested.source.kind });
      return err({ type: 'JobIdReused' as const, jobId: current.job.jobId, current });
    }
    const claimed = claim(current, clock.now(), leaseSeconds);
    // Nobody may launch it now (launched, failed for good, leased): a fork, answered from the record.
    if (claimed.isErr()) return notLaunchable(claimed.error, log);
    const taken = await dispatches.replace(current, claimed.value);
    // Someone wrote in between: decide once more on what they wrote, never loop.
    if (taken.isErr()) {
      const changed = changedMeanwhile(taken.error);
      return mayRetry
        ? await takeOver(deps, changed, requested, leaseSeconds, log, false)
        : err({ type: 'LaunchInProgress' as const, dispatch: changed });
    }
    log.info('Retrying job launch', { attempt: claimed.value.launch.attempt });
    return ok({ type: 'Launch' as const, dispatch: claimed.value });
  });
}

/** What a record nobody may launch now says to this delivery. */
function notLaunchable(held: NotLaunchable, log: Log): Result<LaunchTurn, TakeLaunchError> {
  const { dispatch } = held;
  switch (held.type) {
    case 'AlreadyLaunched':
      log.info('Duplicate delivery of a launched job ignored', { status: dispatch.job.status, task_arn: dispatch.launch.taskArn });
      return ok({ type: 'AlreadyLaunched', dispatch });
    case 'LaunchFailedForGood':
      return err({ type: 'LaunchRejected', dispatch, reasons: dispatch.launch.lastFailure?.reasons ?? [] });
    case 'LaunchInProgress':
      log.info('Duplicate delivery while the job is being launched', { lease_until: dispatch.launch.leaseUntil });
      return err({ type: 'LaunchInProgress', dispatch });
  }
}

function changedMeanwhile(lost: DispatchChanged | DispatchNotFound): Dispatch {
  if (lost.type === 'DispatchNotFound') throw new Error(`dispatch ${lost.jobId} vanished while claimed`);
  return lost.current;
}
