import type { ResultAsync } from 'neverthrow';

/** One container task to start. The cluster, network and launch type are the adapter's configuration. */
export interface TaskLaunch {
  readonly taskDefinition: string;
  /** The container whose environment is overridden. */
  readonly containerName: string;
  /** Passed to the container as environment overrides (job id, source URL, bucket, key prefix). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * The same key launches at most one task (ECS keeps RunTask client tokens for 24 hours): a
   * retried call returns the task the first one started.
   */
  readonly idempotencyKey: string;
}

export interface StartedTask {
  readonly taskArn: string;
}

/** Why ECS could not place the task. `kind` says whether waiting can help. */
export interface TaskPlacementFailure {
  /** ECS's reason, e.g. `RESOURCE:MEMORY`, `AGENT`, `MISSING`, "Capacity is unavailable at this time…". */
  readonly reason: string;
  readonly detail?: string;
  readonly arn?: string;
  readonly kind: 'capacity' | 'missing' | 'unknown';
}

/** No room now (CPU, memory, ports, agent, capacity provider, task quota): nothing started; try later. */
export interface TaskCapacityUnavailable {
  readonly type: 'CapacityUnavailable';
  readonly failures: readonly TaskPlacementFailure[];
}

/**
 * ECS refused the launch and will refuse it again until the configuration changes: missing
 * cluster or task definition, invalid parameters, access denied. Nothing started.
 */
export interface TaskLaunchRejected {
  readonly type: 'LaunchRejected';
  readonly failures: readonly TaskPlacementFailure[];
  readonly cause?: unknown;
}

/**
 * ECS could not be reached or kept throttling through every retry. The outcome is unknown (a
 * task may have started): repeat the launch with the same idempotency key.
 */
export interface ContainerTasksUnavailable {
  readonly type: 'ContainerTasksUnavailable';
  readonly cause?: unknown;
}

export type TaskLaunchError = TaskCapacityUnavailable | TaskLaunchRejected | ContainerTasksUnavailable;

/**
 * Starts containers on ECS (or a fake). Transient faults (throttling, 5xx, network) are retried
 * inside the adapter with backoff and jitter; what comes out is a typed outcome.
 *
 * @example
 * const started = await containerTasks.launch({ taskDefinition, containerName, environment, idempotencyKey: 'job-1#1' });
 * if (started.isErr() && started.error.type === 'CapacityUnavailable') // try again later
 */
export interface ContainerTasks {
  launch(request: TaskLaunch): ResultAsync<StartedTask, TaskLaunchError>;

  /** Stops a task (a duplicate nobody records), with a reason ECS shows as `stoppedReason`. Idempotent. */
  stop(taskArn: string, reason: string): Promise<void>;
}
