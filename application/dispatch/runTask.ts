import { err, ok, safeTry, type ResultAsync } from 'neverthrow';
import { deferred, launchKey, rejected, released, type Dispatch } from '../../domain/dispatch/Dispatch.js';
import type { StartedTask, TaskLaunchError, TaskPlacementFailure } from '../ports/ContainerTasks.js';
import type { Log } from '../ports/Log.js';
import type { Ports } from '../ports/Ports.js';
import type { DispatchCapacityUnavailable, DispatchLaunchRejected, LaunchOutcomeUnknown } from './dispatchAnswer.js';
import { orThrow } from './orThrow.js';

export type RunTaskError = DispatchCapacityUnavailable | DispatchLaunchRejected | LaunchOutcomeUnknown;

export type RunTaskDeps = Pick<Ports, 'dispatches' | 'containerTasks' | 'clock' | 'metrics'>;

/**
 * Starts the task of a dispatch this delivery holds, with the attempt's idempotency key (a
 * repeated attempt whose answer was lost gets the task it started). A failure is recorded on
 * the dispatch before it is answered: no room → the attempt settled, the job stays `submitted`;
 * refused for good → `failed`; ECS unreachable → the lease given back, the attempt unsettled
 * (its task may exist, so a later delivery repeats its token).
 *
 * @example
 * const task = yield* runTask({ dispatches, containerTasks, clock, metrics }, dispatch, log);
 */
export function runTask(deps: RunTaskDeps, dispatch: Dispatch, log: Log): ResultAsync<StartedTask, RunTaskError> {
  const { containerTasks, metrics } = deps;
  return safeTry(async function* () {
    const started = await containerTasks.launch({
      taskDefinition: dispatch.target.taskDefinition,
      containerName: dispatch.target.containerName,
      environment: containerEnvironment(dispatch),
      idempotencyKey: launchKey(dispatch),
    });
    // Not started is a fork: the outcome is recorded first, then answered.
    if (started.isErr()) return err(await launchFailed(deps, dispatch, started.error, log));
    metrics.count('EcsTaskLaunched');
    log.info('ECS task launched', { task_arn: started.value.taskArn, attempt: dispatch.launch.attempt });
    return ok(started.value);
  });
}

/**
 * What the container is told, as environment overrides. Values are the validated ones only;
 * nothing of the raw request reaches the container.
 */
function containerEnvironment(dispatch: Dispatch): Record<string, string> {
  return {
    JOB_ID: dispatch.job.jobId,
    SOURCE_URL: dispatch.source.url,
    SOURCE_KIND: dispatch.source.kind,
    S3_BUCKET: dispatch.target.bucket,
    S3_KEY_PREFIX: dispatch.target.keyPrefix,
  };
}

async function launchFailed(deps: RunTaskDeps, dispatch: Dispatch, error: TaskLaunchError, log: Log): Promise<RunTaskError> {
  const { clock, metrics } = deps;
  const now = clock.now();
  metrics.count('EcsTaskLaunchFailed');
  switch (error.type) {
    case 'CapacityUnavailable': {
      const reasons = describe(error.failures);
      const stored = await recordOutcome(deps, dispatch, deferred(dispatch, reasons, now), log);
      metrics.count('EcsCapacityUnavailable');
      log.warn('ECS capacity unavailable, job will be retried', { reasons, attempt: dispatch.launch.attempt });
      return { type: 'CapacityUnavailable', dispatch: stored, reasons };
    }
    case 'LaunchRejected': {
      const reasons = describe(error.failures);
      const stored = await recordOutcome(deps, dispatch, orThrow(rejected(dispatch, reasons, now)), log);
      metrics.count('EcsLaunchRejected');
      log.error('ECS refused to launch the task', { reasons, task_definition: dispatch.target.taskDefinition });
      return { type: 'LaunchRejected', dispatch: stored, reasons };
    }
    case 'ContainerTasksUnavailable': {
      const stored = await recordOutcome(deps, dispatch, released(dispatch, now), log);
      metrics.count('EcsUnavailable');
      log.error('ECS unavailable, launch outcome unknown', { error: describeCause(error.cause) });
      return { type: 'LaunchOutcomeUnknown', dispatch: stored };
    }
  }
}

/**
 * Stores the attempt's outcome. If the write loses, the lease ran out and another delivery
 * took over the same attempt (same ECS token, so the same task): its record stands.
 */
async function recordOutcome(deps: RunTaskDeps, previous: Dispatch, next: Dispatch, log: Log): Promise<Dispatch> {
  const written = await deps.dispatches.replace(previous, next);
  if (written.isOk()) return next;
  if (written.error.type === 'DispatchNotFound') throw new Error(`dispatch ${previous.job.jobId} vanished while launching`);
  log.warn('Launch outcome superseded by another delivery', { status: written.error.current.job.status });
  return written.error.current;
}

function describe(failures: readonly TaskPlacementFailure[]): string[] {
  return failures.map((f) => (f.detail ? `${f.reason} (${f.detail})` : f.reason));
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
