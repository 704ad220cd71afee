import { createHash } from 'node:crypto';
import {
  RunTaskCommand,
  StopTaskCommand,
  type AssignPublicIp,
  type ECSClient,
  type LaunchType,
  type RunTaskCommandInput,
  type RunTaskCommandOutput,
} from '@aws-sdk/client-ecs';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type {
  ContainerTasks,
  StartedTask,
  TaskLaunch,
  TaskLaunchError,
} from '../../application/ports/ContainerTasks.js';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import { DEFAULT_RETRY_POLICY, REAL_RETRY_CLOCK, retryTransient, type RetryClock, type RetryPolicy } from '../shared/retryTransient.js';
import { classifyRunTaskFault, placementFailure } from './runTaskFailures.js';

export interface EcsContainerTasksOptions {
  readonly cluster: string;
  /** Unset: the cluster's default capacity provider strategy decides. */
  readonly launchType?: LaunchType;
  /** awsvpc tasks (Fargate) need subnets; security groups and a public IP are optional. */
  readonly subnets?: readonly string[];
  readonly securityGroups?: readonly string[];
  readonly assignPublicIp?: AssignPublicIp;
  readonly retry?: RetryPolicy;
  readonly retryClock?: RetryClock;
  readonly log?: Log;
  readonly metrics?: Metrics;
}

/** Tasks listed by `ListTasks --started-by baton-dispatch` are Baton's. */
const ECS_STARTED_BY = 'baton-dispatch';

/**
 * Starts tasks with ECS RunTask. The idempotency key becomes RunTask's `clientToken` (its
 * SHA-256, 64 hex characters: ECS's limit, any key length), so a retried call cannot start a
 * second task. Throttling and 5xx faults are retried with full-jitter backoff under the same
 * token; the response's `failures` array and ECS's refusals become typed errors.
 *
 * @example
 * const tasks = new EcsContainerTasks(ecsClient(), { cluster: 'recorders', subnets: ['subnet-1'] });
 */
export class EcsContainerTasks implements ContainerTasks {
  constructor(
    private readonly client: ECSClient,
    private readonly options: EcsContainerTasksOptions,
  ) {}

  launch(request: TaskLaunch): ResultAsync<StartedTask, TaskLaunchError> {
    return new ResultAsync(this.runTask(request));
  }

  async stop(taskArn: string, reason: string): Promise<void> {
    await this.client.send(new StopTaskCommand({ cluster: this.options.cluster, task: taskArn, reason: reason.slice(0, 255) }));
  }

  /** The exact RunTask request; exported shape is what the tests assert. */
  runTaskInput(request: TaskLaunch): RunTaskCommandInput {
    const { launchType, subnets, securityGroups, assignPublicIp } = this.options;
    const environment = Object.entries(request.environment)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => ({ name, value }));
    return {
      cluster: this.options.cluster,
      taskDefinition: request.taskDefinition,
      count: 1,
      clientToken: clientToken(request.idempotencyKey),
      startedBy: ECS_STARTED_BY,
      overrides: { containerOverrides: [{ name: request.containerName, environment }] },
      ...(launchType ? { launchType } : {}),
      ...(subnets && subnets.length > 0
        ? {
            networkConfiguration: {
              awsvpcConfiguration: {
                subnets: [...subnets],
                ...(securityGroups && securityGroups.length > 0 ? { securityGroups: [...securityGroups] } : {}),
                assignPublicIp: assignPublicIp ?? 'DISABLED',
              },
            },
          }
        : {}),
    };
  }

  /** Every failure of RunTask, after the retries, is an answer: ECS's faults are the port's typed errors. */
  private async runTask(request: TaskLaunch): Promise<Result<StartedTask, TaskLaunchError>> {
    const input = this.runTaskInput(request);
    let output: RunTaskCommandOutput;
    try {
      output = await retryTransient(
        () => this.client.send(new RunTaskCommand(input)),
        (error) => classifyRunTaskFault(error) === 'transient',
        this.options.retry ?? DEFAULT_RETRY_POLICY,
        this.options.retryClock ?? REAL_RETRY_CLOCK,
        (error, attempt) => {
          this.options.metrics?.count('EcsRunTaskRetries');
          this.options.log?.warn('ECS RunTask failed transiently, retrying', { attempt, error: faultName(error) });
        },
      );
    } catch (error: unknown) {
      return err(this.fault(error));
    }
    return this.outcome(output);
  }

  private outcome(output: RunTaskCommandOutput): Result<StartedTask, TaskLaunchError> {
    const taskArn = output.tasks?.find((t) => t.taskArn)?.taskArn;
    if (taskArn) return ok({ taskArn });
    const failures = (output.failures ?? []).map(placementFailure);
    if (failures.length === 0) {
      return err({ type: 'ContainerTasksUnavailable', cause: new Error('RunTask returned neither a task nor a failure') });
    }
    // A missing cluster or task definition stays missing; anything else may clear up.
    if (failures.some((f) => f.kind === 'missing')) return err({ type: 'LaunchRejected', failures });
    return err({ type: 'CapacityUnavailable', failures });
  }

  private fault(error: unknown): TaskLaunchError {
    const name = faultName(error);
    const message = error instanceof Error ? error.message : String(error);
    switch (classifyRunTaskFault(error)) {
      case 'transient':
        return { type: 'ContainerTasksUnavailable', cause: error };
      case 'capacity':
        return { type: 'CapacityUnavailable', failures: [{ reason: message, detail: name, kind: 'capacity' }] };
      case 'rejected':
        return { type: 'LaunchRejected', failures: [{ reason: name, detail: message, kind: 'unknown' }], cause: error };
    }
  }
}

/** RunTask accepts up to 64 ASCII characters; a hash fits any key and reveals nothing of it. */
export function clientToken(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex');
}

function faultName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
