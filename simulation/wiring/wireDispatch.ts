import type { SQSBatchResponse } from 'aws-lambda';
import { InMemoryDispatches } from '../../adapters/memory/InMemoryDispatches.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { Dispatch, dispatchPortsModule, dispatchUseCasesModule, ecsTaskStateModule } from '../../entrypoints/container/dispatchModule.js';
import { jobPortsModule, jobUseCasesModule } from '../../entrypoints/container/jobsModule.js';
import { ecsTaskStateHandler, type EcsTaskStateAnswer } from '../../entrypoints/handlers/ecsTaskState.js';
import { newContainer } from '../../entrypoints/container/newContainer.js';
import { platformModule } from '../../entrypoints/container/platformModule.js';
import { dispatchToEcsHandler } from '../../entrypoints/handlers/dispatchToEcs.js';
import type { HttpResponse } from '../../entrypoints/http/apiGateway.js';
import type { SimEcs } from '../cloud/SimEcs.js';
import { SeededIds } from '../SeededIds.js';
import type { World } from '../World.js';

export const TASK_DEF = 'arn:aws:ecs:us-east-1:000000000000:task-definition/recorder:7';
export const TRANSMISSION_TASK_DEF = 'arn:aws:ecs:us-east-1:000000000000:task-definition/transmission:3';

export interface DispatchSystem {
  /** The one `dispatch-to-ecs` handler, for both triggers. */
  readonly dispatch: (event: unknown) => Promise<HttpResponse | SQSBatchResponse>;
  /** `ecs-task-state`: EventBridge's ECS Task State Change (STOPPED) events. */
  readonly taskState: (event: unknown) => Promise<EcsTaskStateAnswer>;
  readonly dispatches: InMemoryDispatches;
  readonly metrics: InMemoryMetrics;
}

export function wireDispatch(world: World, ecs: SimEcs): DispatchSystem {
  const dispatches = world.writes.dispatches(new InMemoryDispatches());
  const metrics = new InMemoryMetrics();
  const ids = new SeededIds(world.prng.fork());
  const container = newContainer();
  container.load(
    platformModule({ clock: world.clock, ids, log: world.log, metrics }),
    dispatchPortsModule({ dispatches, containerTasks: ecs }),
    // The job rules over the same records, as DynamoDbJobs reads the dispatch items of DDB_TABLE.
    jobPortsModule({ jobs: world.writes.dispatchJobs(dispatches.asJobs()) }),
    jobUseCasesModule(),
    ecsTaskStateModule(),
    dispatchUseCasesModule({
      taskDefinition: TASK_DEF,
      containerName: 'recorder',
      transmissionTaskDefinition: TRANSMISSION_TASK_DEF,
      transmissionContainerName: 'transmission',
      bucket: 'sim-recordings',
      ttlDays: 7,
      leaseSeconds: 60,
    }),
  );
  return {
    dispatch: dispatchToEcsHandler(container.get(Dispatch.DispatchToEcs), ids, world.log, metrics),
    taskState: ecsTaskStateHandler(container.get(Dispatch.RecordTaskStopped), world.log),
    dispatches,
    metrics,
  };
}
