import type { ExecutionStatus } from '../ports/Executions.js';
import type { Ports } from '../ports/Ports.js';

export interface SweepSettings {
  /**
   * No worker is useful longer than the longest `.waitForTaskToken` state that waits for one
   * (TimeoutSeconds, 7200 for the renderer): older instances are terminated whatever they do.
   */
  readonly maxAgeSeconds: number;
}

export interface SweepReport {
  readonly running: number;
  /** Terminated because their execution no longer runs (or Step Functions does not know it). */
  readonly executionEnded: number;
  /** Terminated because they outlived every task that could wait for them. */
  readonly tooOld: number;
}

/** What SweepWorkerInstances is given: see {@link Ports} for the one name of each port. */
export type SweepWorkerInstancesDeps = Pick<Ports, 'workerInstances' | 'executions' | 'clock' | 'log' | 'metrics'>;

/**
 * The backstop for workers that never beat (stuck booting, cloning, hung before the worker
 * library runs) and for an execution-end event that was missed: every running worker
 * instance whose `baton:execution-arn` execution is no longer RUNNING, or that is older than
 * `maxAgeSeconds`, is terminated. It reads only the cloud (tags, DescribeExecution), never
 * heartbeats a task: a probe would reset the very HeartbeatSeconds timer that catches a dead worker.
 *
 * @example
 * await sweep.execute(); // { running: 12, executionEnded: 1, tooOld: 0 }
 */
export class SweepWorkerInstances {
  constructor(private readonly deps: SweepWorkerInstancesDeps, private readonly settings: SweepSettings) {}

  async execute(): Promise<SweepReport> {
    const now = this.deps.clock.now().getTime();
    const running = await this.deps.workerInstances.running();
    const statuses = new Map<string, ExecutionStatus>();
    const ended: string[] = [];
    const old: string[] = [];
    for (const instance of running) {
      const arn = instance.executionArn;
      if (arn !== undefined) {
        if (!statuses.has(arn)) statuses.set(arn, await this.deps.executions.status(arn));
        const status = statuses.get(arn)!;
        // PENDING_REDRIVE: a redriven execution may still wait for this worker.
        if (status !== 'RUNNING' && status !== 'PENDING_REDRIVE') {
          ended.push(instance.instanceId);
          continue;
        }
      }
      if (now - instance.launchedAt.getTime() > this.settings.maxAgeSeconds * 1000) old.push(instance.instanceId);
    }
    const doomed = [...ended, ...old];
    if (doomed.length > 0) {
      await this.deps.workerInstances.terminate(doomed);
      this.deps.log.warn('Orphaned worker instances terminated', { execution_ended: ended, too_old: old });
    }
    this.deps.metrics.count('SpotWorkersSwept', doomed.length);
    const report = { running: running.length, executionEnded: ended.length, tooOld: old.length };
    this.deps.log.info('Worker sweep finished', { ...report });
    return report;
  }
}
