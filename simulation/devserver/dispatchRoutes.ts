import { InMemoryContainerTasks } from '../../adapters/memory/InMemoryContainerTasks.js';
import { InMemoryDispatches } from '../../adapters/memory/InMemoryDispatches.js';
import { Dispatch, dispatchPortsModule, dispatchUseCasesModule } from '../../entrypoints/container/dispatchModule.js';
import { newContainer } from '../../entrypoints/container/newContainer.js';
import { platformModule } from '../../entrypoints/container/platformModule.js';
import { dispatchToEcsHandler } from '../../entrypoints/handlers/dispatchToEcs.js';
import { json, type HttpResponse } from '../../entrypoints/http/apiGateway.js';
import type { DevContext, DevRoutes, HttpHandler } from './DevContext.js';
import { RecordingDispatches } from './recording/RecordingDispatches.js';

/**
 * Seed 004's dispatch on localhost. Its own `POST /jobs` lives on a separate API, so here it
 * answers where the seed's LocalStack curl points (`/restapis/{apiId}/{stage}/_user_request_/jobs`,
 * host replaced) and at `POST /dispatch/jobs`; ECS is in memory and `GET /dev/ecs-tasks` lists
 * what it started.
 */
export function dispatchRoutes(ctx: DevContext): DevRoutes {
  const ecs = new InMemoryContainerTasks();
  const dispatches = new RecordingDispatches(new InMemoryDispatches(), ctx.clock);
  const container = newContainer();
  container.load(
    platformModule({ clock: ctx.clock, ids: ctx.ids, log: ctx.log, metrics: ctx.metrics }),
    dispatchPortsModule({ dispatches, containerTasks: ecs }),
    dispatchUseCasesModule({
      taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/recorder:1',
      containerName: 'recorder',
      transmissionTaskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/transmission:1',
      bucket: 'dev-recordings',
      ttlDays: 7,
      leaseSeconds: 60,
    }),
  );
  const dispatch = dispatchToEcsHandler(container.get(Dispatch.DispatchToEcs), ctx.ids, ctx.log, ctx.metrics);
  const http: HttpHandler = async (event) => (await dispatch(event)) as HttpResponse;
  return {
    name: 'dispatch',
    routes: [
      { routeKey: 'POST /dispatch/jobs', handler: http },
      { routeKey: 'POST /restapis/{apiId}/{stage}/_user_request_/jobs', handler: http },
      { routeKey: 'GET /dev/ecs-tasks', handler: async () => json(200, { tasks: ecs.calls }) },
    ],
    state: async () => ({
      dispatches: await Promise.all(
        dispatches.history.ids().map(async (jobId) => {
          const d = await dispatches.find(jobId);
          return {
            job_id: jobId,
            status: d?.job.status ?? null,
            source: d ? { kind: d.source.kind, url: d.source.url } : null,
            attempt: d?.launch.attempt ?? null,
            settled: d?.launch.settled ?? null,
            lease_until: d?.launch.leaseUntil ?? null,
            task_arn: d?.launch.taskArn ?? null,
            history: dispatches.history.of(jobId),
          };
        }),
      ),
      run_task_calls: ecs.calls.length,
    }),
  };
}
