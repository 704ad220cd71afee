import type { Clock } from '../../application/ports/Clock.js';
import type { WorkerInstance, WorkerInstances } from '../../application/ports/WorkerInstances.js';
import { EXECUTION_TAG, JOB_ID_TAG } from '../../domain/launch/RenderLaunch.js';
import type { InMemorySpotInstances } from './InMemorySpotInstances.js';

/**
 * The instances an `InMemorySpotInstances` launched, as EC2 would list them: running from
 * their launch until terminated here or stopped by themselves (`stopped`, a worker that
 * powered off).
 */
export class InMemoryWorkerInstances implements WorkerInstances {
  private readonly launchedAt = new Map<string, Date>();
  private readonly ended = new Set<string>();
  /** Ids terminated through this port, in order (repeats included). */
  readonly terminated: string[] = [];

  constructor(
    private readonly spot: InMemorySpotInstances,
    clock: Clock,
  ) {
    spot.onLaunch((launched) => this.launchedAt.set(launched.instance.instanceId, clock.now()));
  }

  async running(filter: { readonly executionArn?: string } = {}): Promise<readonly WorkerInstance[]> {
    const found: WorkerInstance[] = [];
    for (const { request, instance } of this.spot.instances) {
      if (this.ended.has(instance.instanceId)) continue;
      const tag = (key: string) => request.tags.find((t) => t.key === key)?.value;
      const arn = tag(EXECUTION_TAG);
      if (filter.executionArn !== undefined && arn !== filter.executionArn) continue;
      const jobId = tag(JOB_ID_TAG);
      found.push({
        instanceId: instance.instanceId,
        launchedAt: this.launchedAt.get(instance.instanceId) ?? new Date(0),
        ...(arn === undefined ? {} : { executionArn: arn }),
        ...(jobId === undefined ? {} : { jobId }),
      });
    }
    return found;
  }

  async terminate(instanceIds: readonly string[]): Promise<void> {
    for (const id of instanceIds) {
      this.terminated.push(id);
      this.ended.add(id);
    }
  }

  /** The instance stopped by itself (its worker powered it off). */
  stopped(instanceId: string): void {
    this.ended.add(instanceId);
  }

  isRunning(instanceId: string): boolean {
    return this.launchedAt.has(instanceId) && !this.ended.has(instanceId);
  }
}
