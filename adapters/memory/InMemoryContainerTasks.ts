import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type {
  ContainerTasks,
  StartedTask,
  TaskLaunch,
  TaskLaunchError,
} from '../../application/ports/ContainerTasks.js';

/** A task the fake started. */
export interface FakeTask extends StartedTask {
  readonly request: TaskLaunch;
}

/**
 * ECS in memory: starts a task per idempotency key (a repeated key returns the first task, as
 * RunTask's client token does), and fails on demand like a full cluster or an outage.
 */
export class InMemoryContainerTasks implements ContainerTasks {
  private readonly byKey = new Map<string, FakeTask>();
  private readonly scripted: TaskLaunchError[] = [];
  private capacity = Number.POSITIVE_INFINITY;
  /** Every launch call, answered or not. */
  readonly calls: TaskLaunch[] = [];

  /** The next launches fail with these errors, in order (before any task starts). */
  failNext(...errors: TaskLaunchError[]): void {
    this.scripted.push(...errors);
  }

  /** At most `tasks` more tasks fit; later launches fail with RESOURCE:MEMORY. */
  setCapacity(tasks: number): void {
    this.capacity = tasks;
  }

  launch(request: TaskLaunch): ResultAsync<StartedTask, TaskLaunchError> {
    this.calls.push(request);
    // An unreachable ECS answers nothing; a reachable one answers a known token with its task
    // before it tries to place anything, so placement failures never hide a started task (and a
    // scripted placement failure waits for the next launch that places one).
    if (this.scripted[0]?.type === 'ContainerTasksUnavailable') return errAsync(this.scripted.shift()!);
    const existing = this.byKey.get(request.idempotencyKey);
    if (existing) return okAsync({ taskArn: existing.taskArn });
    const scripted = this.scripted.shift();
    if (scripted) return errAsync(scripted);
    if (this.capacity <= 0) {
      return errAsync({ type: 'CapacityUnavailable', failures: [{ reason: 'RESOURCE:MEMORY', kind: 'capacity' }] });
    }
    this.capacity -= 1;
    const task: FakeTask = {
      taskArn: `arn:aws:ecs:us-east-1:123456789012:task/baton/${(this.byKey.size + 1).toString(16).padStart(32, '0')}`,
      request,
    };
    this.byKey.set(request.idempotencyKey, task);
    return okAsync({ taskArn: task.taskArn });
  }

  /** Tasks stopped through `stop`, with the reason given. */
  readonly stopped = new Map<string, string>();

  async stop(taskArn: string, reason: string): Promise<void> {
    this.stopped.set(taskArn, reason);
  }

  /** Tasks actually started (one per idempotency key). */
  tasks(): FakeTask[] {
    return [...this.byKey.values()];
  }
}
