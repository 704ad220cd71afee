import { launched, type Dispatch } from '../../domain/dispatch/Dispatch.js';
import type { Log } from '../ports/Log.js';
import type { Ports } from '../ports/Ports.js';
import { orThrow } from './orThrow.js';

export type RecordLaunchDeps = Pick<Ports, 'dispatches' | 'containerTasks' | 'clock' | 'metrics'>;

/** Rounds of "lost the write, judge again" before the record is taken to be in a storm: a fault. */
const ROUNDS = 4;

/**
 * Records the task that started, so the record always names it; answers the record as it is
 * left. A lost write is judged again on the record as it now is: still `submitted` (another
 * delivery recorded a capacity failure or gave the lease back meanwhile) → record this task
 * there; already naming this task → done. Naming another task, or final, or `submitted` at a
 * newer attempt whose outcome is unknown (its task may exist; a later delivery repeats that
 * attempt's token) → this one is a duplicate nobody would ever account for, and it is stopped.
 *
 * @example
 * const stored = await recordLaunch({ dispatches, containerTasks, clock, metrics }, dispatch, task.taskArn, log);
 */
export async function recordLaunch(deps: RecordLaunchDeps, dispatch: Dispatch, taskArn: string, log: Log): Promise<Dispatch> {
  const { dispatches, containerTasks, clock, metrics } = deps;
  let current = dispatch;
  // A newer attempt whose outcome is unknown may have started a task of its own (its answer
  // lost): that attempt is the one a later delivery repeats and ECS answers, so ours yields.
  const superseded = (d: Dispatch) => d.launch.attempt > dispatch.launch.attempt && !d.launch.settled;
  for (let round = 1; round <= ROUNDS && current.job.status === 'submitted' && !superseded(current); round += 1) {
    const next = orThrow(launched(current, taskArn, clock.now()));
    const written = await dispatches.replace(current, next);
    if (written.isOk()) return next;
    if (written.error.type === 'DispatchNotFound') throw new Error(`dispatch ${current.job.jobId} vanished while launching`);
    current = written.error.current;
    log.warn('Launch record changed meanwhile; recording the task on the current record', { status: current.job.status });
  }
  if (current.launch.taskArn === taskArn) return current;
  if (current.job.status === 'submitted' && !superseded(current)) {
    throw new Error(`dispatch ${current.job.jobId} kept changing while the task was recorded`);
  }
  log.error('A second task started for a job that already has one; stopping it', {
    task_arn: taskArn,
    recorded_task_arn: current.launch.taskArn,
    status: current.job.status,
  });
  metrics.count('EcsDuplicateTasksStopped');
  const why = superseded(current) ? `attempt ${current.launch.attempt} superseded it` : `it already runs ${current.launch.taskArn ?? 'no task'}`;
  await containerTasks.stop(taskArn, `Baton: job ${current.job.jobId}: ${why} (${current.job.status})`);
  return current;
}
