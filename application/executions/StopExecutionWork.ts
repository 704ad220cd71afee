import * as v from 'valibot';
import { ok, safeTry, type ResultAsync } from 'neverthrow';
import { abandon, type CallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { PageCursor } from '../ports/CallbackMappings.js';
import type { GpuJobs } from '../ports/GpuJobs.js';
import type { Log } from '../ports/Log.js';
import type { Ports } from '../ports/Ports.js';
import { ExecutionArnSchema } from '../shared/executionArn.js';
import { validate } from '../shared/validate.js';

/** The statuses after which nothing will ever take the work's result. */
export const ENDED_BADLY = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;

/** The `detail` of an EventBridge "Step Functions Execution Status Change" event. */
const ExecutionEndedSchema = v.looseObject({
  executionArn: ExecutionArnSchema,
  status: v.string('status must be a string'),
});

export interface StopExecutionWorkReport {
  /** Ignored: the execution did not end badly (RUNNING, SUCCEEDED…). */
  readonly ignored: boolean;
  /** PENDING mappings of the execution moved to ABANDONED. */
  readonly abandoned: number;
  readonly jobsCancelled: number;
  readonly instancesTerminated: number;
}

const PAGE = 100;

/** What StopExecutionWork is given: see {@link Ports} for the one name of each port. */
export type StopExecutionWorkDeps = Pick<
  Ports,
  'mappings' | 'workerInstances' | 'clock' | 'log' | 'metrics'
> & {
  readonly gpuJobs?: GpuJobs;
};

/**
 * An execution ended ABORTED, TIMED_OUT or FAILED: its waiting tasks are gone, so the work it
 * paid for must stop. Found per execution — mappings through the sparse `execution` index
 * (`execution_arn`, from the task input), instances by their `baton:execution-arn` tag:
 * - a PENDING RunPod mapping: its job is cancelled (`POST /cancel/{id}`), then it is ABANDONED
 *   (a later webhook answers 410);
 * - a PENDING worker mapping: ABANDONED, so its worker's next heartbeat stops its instance;
 * - every instance tagged with the execution: terminated at once (it may never beat).
 * Every step is safe to repeat (EventBridge delivers at least once).
 *
 * @example
 * await stop.execute({ executionArn, status: 'ABORTED' }); // ok({ abandoned: 3, jobsCancelled: 2, instancesTerminated: 1 })
 */
export class StopExecutionWork {
  constructor(private readonly deps: StopExecutionWorkDeps) {}

  execute(detail: unknown): ResultAsync<StopExecutionWorkReport, InvalidInput> {
    const stop = (executionArn: string, reason: string) => this.stop(executionArn, reason);
    return safeTry(async function* () {
      const { executionArn, status } = yield* validate(ExecutionEndedSchema, detail);
      if (!(ENDED_BADLY as readonly string[]).includes(status)) {
        return ok({ ignored: true, abandoned: 0, jobsCancelled: 0, instancesTerminated: 0 });
      }
      return ok(await stop(executionArn, `Execution${status === 'TIMED_OUT' ? 'TimedOut' : capitalize(status)}`));
    });
  }

  private async stop(executionArn: string, reason: string): Promise<StopExecutionWorkReport> {
    const log = this.deps.log.with({ execution_arn: executionArn });
    let abandoned = 0;
    let jobsCancelled = 0;
    let after: PageCursor | undefined;
    do {
      const page = await this.deps.mappings.forExecution(executionArn, PAGE, after);
      for (const token of page.tokens) {
        const mapping = await this.deps.mappings.find(token);
        if (mapping === undefined || mapping.status !== 'PENDING') continue;
        const cancelled = await this.cancelJob(mapping, log);
        const given = abandon(mapping, reason, this.deps.clock.now());
        if (given.isErr() || (await this.deps.mappings.abandon(given.value)).isErr()) continue; // a report won the race
        abandoned += 1;
        if (cancelled) jobsCancelled += 1;
      }
      after = page.next;
    } while (after !== undefined);

    const instances = await this.deps.workerInstances.running({ executionArn });
    if (instances.length > 0) {
      await this.deps.workerInstances.terminate(instances.map((i) => i.instanceId));
      log.warn('Execution ended; its worker instances terminated', { instance_ids: instances.map((i) => i.instanceId), reason });
    }
    this.deps.metrics.count('CallbacksAbandoned', abandoned);
    this.deps.metrics.count('RunPodJobsCancelled', jobsCancelled);
    this.deps.metrics.count('SpotWorkersTerminated', instances.length);
    log.info('Execution ended; its work stopped', { reason, abandoned, jobs_cancelled: jobsCancelled, instances_terminated: instances.length });
    return { ignored: false, abandoned, jobsCancelled, instancesTerminated: instances.length };
  }

  /** Cancels the RunPod job of a RunPod mapping that has one; a job RunPod forgot needs no cancel. */
  private async cancelJob(mapping: CallbackMapping, log: Log): Promise<boolean> {
    if (mapping.channel !== 'runpod' || mapping.jobId === undefined || this.deps.gpuJobs === undefined) return false;
    const cancelled = await this.deps.gpuJobs.cancel(mapping.jobId);
    if (cancelled.isErr() && cancelled.error.type === 'GpuJobRejected') {
      throw new Error(`RunPod refused to cancel ${mapping.jobId}: ${cancelled.error.status} ${cancelled.error.detail}`);
    }
    log.info('RunPod job cancelled', { job_id: mapping.jobId });
    return cancelled.isOk();
  }
}

function capitalize(s: string): string {
  return s.charAt(0) + s.slice(1).toLowerCase();
}
