import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { ContainerTasks, StartedTask, TaskLaunch, TaskLaunchError } from '../../application/ports/ContainerTasks.js';
import type { World } from '../World.js';

export interface SimTask {
  readonly taskArn: string;
  readonly launch: TaskLaunch;
}

/**
 * ECS RunTask, simulated: placement fails for capacity at the fault rate (as RunTask's
 * `failures` array reports RESOURCE:MEMORY), ECS is sometimes unreachable or hangs until the
 * deadline cuts the call — and then, half the time, the task did start (the launch answer is
 * lost, as after a timeout). A repeated idempotency key returns the task the first call
 * started, as RunTask's clientToken does. `stop` records duplicates Baton stops.
 */
export class SimEcs implements ContainerTasks {
  readonly tasks: SimTask[] = [];
  private readonly byKey = new Map<string, StartedTask>();
  readonly stats = { calls: 0, capacityFailures: 0, unreachable: 0, startedButUnanswered: 0 };

  constructor(
    private readonly world: World,
    /** Every task that starts (answered or not): the scenario runs its container to its end. */
    private readonly onStart: (task: SimTask) => void = () => {},
  ) {}

  launch(request: TaskLaunch): ResultAsync<StartedTask, TaskLaunchError> {
    this.stats.calls += 1;
    const { prng, faults } = this.world;
    const known = this.byKey.get(request.idempotencyKey);
    if (known) return okAsync(known);
    if (prng.chance(faults.capacity)) {
      this.stats.capacityFailures += 1;
      return errAsync({
        type: 'CapacityUnavailable',
        failures: [{ reason: prng.pick(['RESOURCE:MEMORY', 'RESOURCE:CPU', 'Capacity is unavailable at this time. Please try again later or in a different availability zone']), kind: 'capacity' }],
      });
    }
    if (prng.chance(faults.providerDown)) {
      this.stats.unreachable += 1;
      if (prng.chance(0.5)) {
        this.stats.startedButUnanswered += 1;
        this.start(request);
      }
      return errAsync({ type: 'ContainerTasksUnavailable', cause: new Error('ECS RunTask timed out after SDK retries (simulated)') });
    }
    return okAsync(this.start(request));
  }

  /** Tasks stopped as duplicates, by ARN. */
  readonly stopped = new Set<string>();

  async stop(taskArn: string): Promise<void> {
    this.stopped.add(taskArn);
  }

  private start(request: TaskLaunch): StartedTask {
    const task = { taskArn: `arn:aws:ecs:us-east-1:000000000000:task/sim-cluster/${this.world.prng.hex(16)}` };
    this.byKey.set(request.idempotencyKey, task);
    const started = { taskArn: task.taskArn, launch: request };
    this.tasks.push(started);
    this.onStart(started);
    return task;
  }
}
