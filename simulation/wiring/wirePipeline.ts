import type { ContainerModule } from 'inversify';
import type { SpotInstances } from '../../application/ports/SpotInstances.js';
import type { TaskTokens } from '../../application/ports/TaskTokens.js';
import type { WorkerLaunchSettings } from '../../domain/launch/RenderLaunch.js';
import type { WorkerRole } from '../../domain/launch/WorkerRole.js';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemoryErrorNotifications } from '../../adapters/memory/InMemoryErrorNotifications.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { InMemoryRunArtifacts } from '../../adapters/memory/InMemoryRunArtifacts.js';
import { Cleanup, cleanupPortsModule, cleanupUseCasesModule } from '../../entrypoints/container/cleanupModule.js';
import { JobApi, jobPortsModule, jobUseCasesModule } from '../../entrypoints/container/jobsModule.js';
import { cleanupHandler } from '../../entrypoints/handlers/cleanup.js';
import { handleErrorHandler } from '../../entrypoints/handlers/handleError.js';
import { InMemoryDailyCounters } from '../../adapters/memory/InMemoryDailyCounters.js';
import { Callbacks, callbackPortsModule, callbackUseCasesModule } from '../../entrypoints/container/callbacksModule.js';
import { Launch, launchWorkerModule, spotPortsModule } from '../../entrypoints/container/launchModule.js';
import { newContainer } from '../../entrypoints/container/newContainer.js';
import { platformModule } from '../../entrypoints/container/platformModule.js';
import { Quota, quotaPortsModule, quotaUseCasesModule } from '../../entrypoints/container/quotaModule.js';
import { callbackRedriveHandler } from '../../entrypoints/handlers/callbackRedrive.js';
import { checkQuotaHandler } from '../../entrypoints/handlers/checkQuota.js';
import { incrementCounterHandler } from '../../entrypoints/handlers/incrementCounter.js';
import { launchWorkerHandler } from '../../entrypoints/handlers/launchWorker.js';
import { reserveQuotaHandler } from '../../entrypoints/handlers/reserveQuota.js';
import { createWorker } from '../../entrypoints/worker/createWorker.js';
import type { Worker } from '../../entrypoints/worker/Worker.js';
import { SeededIds } from '../SeededIds.js';
import type { World } from '../World.js';

export const DAILY_QUOTA = 10;
const CALLBACK_TABLE = 'sim-callbacks';

/** The pipeline's Lambda functions, each built in its own container as in AWS, over one shared in-memory cloud. */
export interface PipelineSystem {
  readonly checkQuota: ReturnType<typeof checkQuotaHandler>;
  readonly reserveQuota: ReturnType<typeof reserveQuotaHandler>;
  readonly incrementCounter: ReturnType<typeof incrementCounterHandler>;
  readonly startRenderer: ReturnType<typeof launchWorkerHandler>;
  readonly startUploader: ReturnType<typeof launchWorkerHandler>;
  readonly redrive: ReturnType<typeof callbackRedriveHandler>;
  readonly cleanup: ReturnType<typeof cleanupHandler>;
  readonly handleError: ReturnType<typeof handleErrorHandler>;
  /** The worker library as a process on the instance builds it: its job id and callback token from user-data. */
  readonly worker: (jobId: string, role: WorkerRole, callbackToken: string) => Worker;
  readonly counters: InMemoryDailyCounters;
  /** The jobs table handle-error writes to (the user's fetch step records each run's job). */
  readonly jobs: InMemoryJobs;
  /** The artifacts bucket: `runs/{job_id}/…`, written by the steps and workers, emptied by cleanup. */
  readonly artifacts: InMemoryRunArtifacts;
  readonly alerts: InMemoryErrorNotifications;
  readonly mappings: InMemoryCallbackMappings;
  readonly metrics: InMemoryMetrics;
}

function settings(role: WorkerRole): WorkerLaunchSettings {
  return {
    role,
    amiId: 'ami-0123456789abcdef0',
    instanceTypes: role === 'renderer' ? ['c5.2xlarge', 'c5a.2xlarge', 'c6i.2xlarge'] : ['t3.medium', 't3a.medium'],
    subnetIds: ['subnet-0aaaaaaa', 'subnet-0bbbbbbb'],
    securityGroupIds: ['sg-0123456789'],
    iamInstanceProfile: `baton-${role}`,
    workDir: '/opt/manga-pipeline',
    shutdownWhenDone: true,
  };
}

export function wirePipeline(world: World, taskTokens: TaskTokens, spot: SpotInstances): PipelineSystem {
  const mappings = world.writes.callbackMappings(new InMemoryCallbackMappings({ callbackIndexShards: world.writes.callbackIndexShards }));
  const counters = world.writes.dailyCounters(new InMemoryDailyCounters());
  const ids = new SeededIds(world.prng.fork());
  const metrics = new InMemoryMetrics();
  const jobs = world.writes.jobs(new InMemoryJobs());
  const artifacts = new InMemoryRunArtifacts();
  const alerts = new InMemoryErrorNotifications();
  const lambda = (...modules: ContainerModule[]) => {
    const container = newContainer();
    container.load(platformModule({ clock: world.clock, ids, log: world.log, metrics }), ...modules);
    return container;
  };
  const quota = lambda(quotaPortsModule({ counters }), quotaUseCasesModule({ dailyQuota: DAILY_QUOTA }));
  const launcher = (role: WorkerRole) =>
    lambda(callbackPortsModule({ mappings, taskTokens }), spotPortsModule(spot), launchWorkerModule(settings(role), CALLBACK_TABLE));
  const redrive = lambda(
    callbackPortsModule({ mappings, taskTokens }),
    callbackUseCasesModule({ redrive: { redriveAfterSeconds: 60, leaseSeconds: 30, pageSize: 100, maxPages: 20 } }),
  );
  const errors = lambda(jobPortsModule({ jobs, errorNotifications: alerts }), jobUseCasesModule());
  const cleanup = lambda(cleanupPortsModule({ artifacts }), cleanupUseCasesModule());
  return {
    cleanup: cleanupHandler(cleanup.get(Cleanup.CleanupArtifacts)),
    handleError: handleErrorHandler(errors.get(JobApi.HandlePipelineError)),
    jobs,
    artifacts,
    alerts,
    checkQuota: checkQuotaHandler(quota.get(Quota.CheckQuota)),
    reserveQuota: reserveQuotaHandler(quota.get(Quota.ReserveQuota)),
    incrementCounter: incrementCounterHandler(quota.get(Quota.IncrementCounter)),
    startRenderer: launchWorkerHandler(launcher('renderer').get(Launch.LaunchWorker)),
    startUploader: launchWorkerHandler(launcher('uploader').get(Launch.LaunchWorker)),
    redrive: callbackRedriveHandler(redrive.get(Callbacks.RedriveCallbacks)),
    worker: (jobId, role, callbackToken) =>
      createWorker({
        jobId,
        role,
        access: { kind: 'callback', callbackToken, mappings },
        taskTokens,
        clock: world.clock,
        log: world.log,
        metrics,
        // The simulation retries on virtual time itself; the library's own retry sleeps in real time.
        retry: { attempts: 1, firstDelayMs: 0 },
      }),
    counters,
    mappings,
    metrics,
  };
}
