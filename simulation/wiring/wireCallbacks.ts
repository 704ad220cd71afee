import { ContainerModule } from 'inversify';
import type { RedriveReport } from '../../application/callbacks/RedriveCallbacks.js';
import type { StopExecutionWorkReport } from '../../application/executions/StopExecutionWork.js';
import type { WorkerInstances } from '../../application/ports/WorkerInstances.js';
import type { ReconcileReport } from '../../application/runpod/ReconcileRunPodJobs.js';
import type { GpuJobs } from '../../application/ports/GpuJobs.js';
import type { TaskTokens } from '../../application/ports/TaskTokens.js';
import type { SubmitRunPodJobOutput } from '../../application/runpod/SubmitRunPodJob.js';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemoryPresignedUrls } from '../../adapters/memory/InMemoryPresignedUrls.js';
import { Callbacks, callbackPortsModule, callbackUseCasesModule } from '../../entrypoints/container/callbacksModule.js';
import { newContainer } from '../../entrypoints/container/newContainer.js';
import { platformModule } from '../../entrypoints/container/platformModule.js';
import { ExecutionWork, stopExecutionWorkModule } from '../../entrypoints/container/executionsModule.js';
import { callbackRedriveHandler } from '../../entrypoints/handlers/callbackRedrive.js';
import { executionEndedHandler } from '../../entrypoints/handlers/executionEnded.js';
import { runPodReconcileHandler } from '../../entrypoints/handlers/runPodReconcile.js';
import { runPodWebhookHandler } from '../../entrypoints/handlers/runPodWebhook.js';
import { submitRunPodJobHandler } from '../../entrypoints/handlers/submitRunPodJob.js';
import type { HttpResponse } from '../../entrypoints/http/apiGateway.js';
import { UnconditionalClaims } from '../sabotage/UnconditionalClaims.js';
import { SeededIds } from '../SeededIds.js';
import type { World } from '../World.js';

const WEBHOOK_BASE_URL = 'https://sim.baton.local/webhook/';
/** RunPod `policy.executionTimeout` given to every job: well inside the task's TimeoutSeconds. */
export const RUNPOD_EXECUTION_TIMEOUT_MS = 3600_000;

/** The three real handlers of the callback flow, and the store the invariants read. */
export interface CallbackSystem {
  readonly submit: (event: unknown) => Promise<SubmitRunPodJobOutput>;
  readonly webhook: (event: unknown) => Promise<HttpResponse>;
  readonly redrive: (event?: unknown) => Promise<RedriveReport>;
  readonly reconcile: (event?: unknown) => Promise<ReconcileReport>;
  readonly executionEnded: (event: unknown) => Promise<StopExecutionWorkReport | undefined>;
  readonly mappings: InMemoryCallbackMappings;
  /** This system's own counters (CallbackDuplicates, CallbacksRedriven…). */
  readonly metrics: InMemoryMetrics;
}

/**
 * Builds the callback flow exactly as a Lambda container does — the same inversify modules
 * and handler factories — with in-memory adapters and the world's clock, ids and log.
 */
export function wireCallbacks(world: World, taskTokens: TaskTokens, gpuJobs: GpuJobs, workers: WorkerInstances): CallbackSystem {
  const mappings = world.writes.callbackMappings(world.sabotage === 'unconditional-claim' ? new UnconditionalClaims(shardsOf(world)) : new InMemoryCallbackMappings(shardsOf(world)));
  const metrics = new InMemoryMetrics();
  const container = newContainer();
  container.load(
    platformModule({ clock: world.clock, ids: new SeededIds(world.prng.fork()), log: world.log, metrics }),
    callbackPortsModule({ mappings, taskTokens, gpuJobs, presignedUrls: new InMemoryPresignedUrls() }),
    callbackUseCasesModule({
      submit: {
        webhookBaseUrl: WEBHOOK_BASE_URL,
        defaultBucket: 'sim-bucket',
        defaultPresignExpiresSecs: 21600,
        defaultPolicy: { executionTimeout: RUNPOD_EXECUTION_TIMEOUT_MS, ttl: 2 * RUNPOD_EXECUTION_TIMEOUT_MS },
      },
      redrive: { redriveAfterSeconds: 60, leaseSeconds: 30, pageSize: 100, maxPages: 20 },
      reconcile: { reconcileAfterSeconds: 300, pageSize: 50, maxPages: 40 },
    }),
  );
  container.load(
    new ContainerModule(({ bind }) => {
      bind(ExecutionWork.WorkerInstances).toConstantValue(workers);
    }),
    stopExecutionWorkModule({ withRunPod: true }),
  );
  return {
    submit: submitRunPodJobHandler(container.get(Callbacks.SubmitRunPodJob)),
    webhook: runPodWebhookHandler(container.get(Callbacks.HandleRunPodWebhook), world.log),
    redrive: callbackRedriveHandler(container.get(Callbacks.RedriveCallbacks)),
    reconcile: runPodReconcileHandler(container.get(Callbacks.ReconcileRunPodJobs)),
    executionEnded: executionEndedHandler(container.get(ExecutionWork.StopExecutionWork), world.log),
    mappings,
    metrics,
  };
}

/** The in-memory store pages its indexes in as many shards as the run measures. */
function shardsOf(world: World): { readonly callbackIndexShards: number } {
  return { callbackIndexShards: world.writes.callbackIndexShards };
}
