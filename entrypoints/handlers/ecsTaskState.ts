import type { RecordTaskStopped, TaskStopped, TaskStoppedAnswer } from '../../application/dispatch/RecordTaskStopped.js';
import type { Log } from '../../application/ports/Log.js';
import { describeIssues } from '../../domain/shared/InvalidInput.js';

/** The answer: what became of the job, or why the event was not about one. */
export type EcsTaskStateAnswer = TaskStoppedAnswer | { readonly type: 'Ignored'; readonly reason: string };

interface EcsTaskStateChange {
  readonly source?: unknown;
  readonly 'detail-type'?: unknown;
  readonly detail?: {
    readonly taskArn?: unknown;
    readonly lastStatus?: unknown;
    readonly stoppedReason?: unknown;
    readonly stopCode?: unknown;
    readonly containers?: readonly { name?: unknown; exitCode?: unknown; reason?: unknown }[];
    readonly overrides?: { readonly containerOverrides?: readonly { environment?: readonly { name?: unknown; value?: unknown }[] }[] };
  };
}

/**
 * EventBridge rule on `aws.ecs` / `ECS Task State Change` with `lastStatus: STOPPED` (filter
 * on `startedBy: baton-dispatch` too) → RecordTaskStopped. The job id is the `JOB_ID` Baton put
 * in the container's environment overrides. Events that are not a stopped Baton task are
 * answered `Ignored` (never thrown: EventBridge would only retry them); a storage fault throws,
 * so EventBridge's own retries redeliver the event.
 */
export function ecsTaskStateHandler(useCase: RecordTaskStopped, log: Log): (event: unknown) => Promise<EcsTaskStateAnswer> {
  return async (event) => {
    const stopped = taskStopped(event);
    if (typeof stopped === 'string') {
      log.debug('ECS task state change ignored', { reason: stopped });
      return { type: 'Ignored', reason: stopped };
    }
    const result = await useCase.execute(stopped);
    if (result.isOk()) return result.value;
    const reason = describeIssues(result.error);
    log.warn('ECS task state change ignored: invalid', { reason });
    return { type: 'Ignored', reason };
  };
}

/** The stopped task the event describes, or why it describes none. */
export function taskStopped(event: unknown): TaskStopped | string {
  if (typeof event !== 'object' || event === null) return 'not an EventBridge event';
  const e = event as EcsTaskStateChange;
  if (e.source !== 'aws.ecs' || e['detail-type'] !== 'ECS Task State Change') return 'not an ECS Task State Change';
  const detail = e.detail;
  if (detail?.lastStatus !== 'STOPPED') return `task not stopped (${String(detail?.lastStatus)})`;
  if (typeof detail.taskArn !== 'string') return 'no taskArn';
  const jobId = (detail.overrides?.containerOverrides ?? [])
    .flatMap((o) => o.environment ?? [])
    .find((env) => env.name === 'JOB_ID')?.value;
  if (typeof jobId !== 'string' || jobId === '') return 'not a Baton task (no JOB_ID override)';
  return {
    jobId,
    taskArn: detail.taskArn,
    ...(typeof detail.stoppedReason === 'string' ? { stoppedReason: detail.stoppedReason } : {}),
    ...(typeof detail.stopCode === 'string' ? { stopCode: detail.stopCode } : {}),
    containers: (detail.containers ?? []).map((c) => ({
      name: typeof c.name === 'string' ? c.name : '',
      ...(typeof c.exitCode === 'number' ? { exitCode: c.exitCode } : {}),
      ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
    })),
  };
}
