import * as v from 'valibot';
import { ok, safeTry, type ResultAsync } from 'neverthrow';
import type { Dispatch } from '../../domain/dispatch/Dispatch.js';
import { isFinal, type Job, type JobChange } from '../../domain/jobs/Job.js';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { UpdateJobStatus, UpdateJobStatusError } from '../jobs/UpdateJobStatus.js';
import type { Ports } from '../ports/Ports.js';
import { validate } from '../shared/validate.js';

/** What ECS said about a stopped task, as far as the job is concerned. */
export const TaskStoppedSchema = v.object({
  jobId: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  taskArn: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  stoppedReason: v.optional(v.string()),
  stopCode: v.optional(v.string()),
  containers: v.array(
    v.object({
      name: v.string(),
      exitCode: v.optional(v.nullable(v.number())),
      reason: v.optional(v.string()),
    }),
  ),
});

export type TaskStopped = v.InferOutput<typeof TaskStoppedSchema>;

export type TaskStoppedAnswer =
  /** The job moved to `completed` or `failed`. */
  | { readonly type: 'Recorded'; readonly job: Job }
  /** The job was already final (the container reported itself, or this event came twice). */
  | { readonly type: 'AlreadyFinal'; readonly job: Job }
  /** The task is not the one the job's record names (a stopped duplicate, an older attempt): the job is not its to decide. */
  | { readonly type: 'NotTheJobsTask'; readonly recordedTaskArn: string | undefined }
  /** No dispatch with this job id (another system's task, or a record the TTL removed). */
  | { readonly type: 'UnknownJob' };

export type RecordTaskStoppedError = InvalidInput;

/** What RecordTaskStopped is given: see {@link Ports} for the one name of each port. */
export type RecordTaskStoppedDeps = Pick<Ports, 'dispatches' | 'log' | 'metrics'> & { readonly updateJobStatus: UpdateJobStatus };

/**
 * ECS Task State Change (STOPPED) → the dispatch job's final status, through the Job transition
 * table: exit code 0 of the job's container (the one Baton overrode, `CONTAINER_NAME`) completes
 * it, with its key prefix as output; anything else fails it with ECS's `stoppedReason`. Only the
 * task the record names decides; a job already final stays as it is, so repeated events (and a
 * container that reported itself) change nothing.
 *
 * @example
 * await recordTaskStopped.execute({ jobId, taskArn, stoppedReason: 'Essential container in task exited', containers: [{ name: 'recorder', exitCode: 0 }] });
 */
export class RecordTaskStopped {
  constructor(private readonly deps: RecordTaskStoppedDeps) {}

  execute(input: unknown): ResultAsync<TaskStoppedAnswer, RecordTaskStoppedError> {
    const { dispatches, updateJobStatus, log: rootLog, metrics } = this.deps;
    return safeTry(async function* () {
      const stopped = yield* validate(TaskStoppedSchema, input);
      const log = rootLog.with({ job_id: stopped.jobId, task_arn: stopped.taskArn });
      const dispatch = await dispatches.find(stopped.jobId);
      if (dispatch === undefined) {
        log.warn('Stopped task of an unknown job ignored');
        return ok({ type: 'UnknownJob' as const });
      }
      const recorded = dispatch.launch.taskArn;
      if (recorded !== undefined && recorded !== stopped.taskArn) {
        log.info('Stopped task is not the one the job runs; ignored', { recorded_task_arn: recorded });
        return ok({ type: 'NotTheJobsTask' as const, recordedTaskArn: recorded });
      }
      if (isFinal(dispatch.job.status)) return ok({ type: 'AlreadyFinal' as const, job: dispatch.job });
      const change = changeFor(dispatch, stopped);
      const updated = await updateJobStatus.execute({ jobId: dispatch.job.jobId, change });
      // A refused change is a fork, not a failure to pass on: the job may be final already.
      if (updated.isErr()) return ok(refusedAnswer(dispatch, change, updated.error));
      const job = updated.value;
      log.info(job.status === 'completed' ? 'ECS task finished; job completed' : 'ECS task stopped; job failed', {
        status: job.status,
        stopped_reason: stopped.stoppedReason,
      });
      metrics.count(job.status === 'completed' ? 'EcsTasksCompleted' : 'EcsTasksFailed');
      return ok({ type: 'Recorded' as const, job });
    });
  }
}

/** What a refused status change means for the stopped task; a refusal no answer explains is a fault (retried). */
function refusedAnswer(dispatch: Dispatch, change: JobChange, error: UpdateJobStatusError): TaskStoppedAnswer {
  switch (error.type) {
    case 'JobStatusRefused':
      // Final meanwhile (the container's own report won the race): nothing left to do.
      if (isFinal(error.current.status)) return { type: 'AlreadyFinal', job: error.current };
      throw new Error(`job ${dispatch.job.jobId} refused ${change.status} from ${error.current.status}`);
    case 'JobNotFound':
      return { type: 'UnknownJob' };
    case 'JobBusy':
      throw new Error(`job ${dispatch.job.jobId} kept changing; the event will be retried`);
  }
}

/** Exit code 0 of the job's container completes the job; anything else fails it, saying why. */
function changeFor(dispatch: Dispatch, stopped: TaskStopped): JobChange {
  const name = dispatch.target.containerName;
  const container = stopped.containers.find((c) => c.name === name) ?? (stopped.containers.length === 1 ? stopped.containers[0] : undefined);
  if (container?.exitCode === 0) {
    return { status: 'completed', output: { s3Uri: `s3://${dispatch.target.bucket}/${dispatch.target.keyPrefix}` } };
  }
  const why = [
    stopped.stoppedReason,
    container === undefined ? `container ${name} not in the event` : `container ${container.name} exit code ${container.exitCode ?? 'none'}`,
    container?.reason,
  ].filter((part): part is string => part !== undefined && part !== '');
  return { status: 'failed', error: { type: stopped.stopCode ?? 'TaskStopped', message: why.join('; ').slice(0, 1000) } };
}
