import { ContainerModule } from 'inversify';
import { InMemoryExecutions } from '../../adapters/memory/InMemoryExecutions.js';
import { InMemoryWorkerInstances } from '../../adapters/memory/InMemoryWorkerInstances.js';
import { ExecutionWork, stopExecutionWorkModule, sweepWorkerInstancesModule } from '../../entrypoints/container/executionsModule.js';
import { executionEndedHandler } from '../../entrypoints/handlers/executionEnded.js';
import { workerSweeperHandler } from '../../entrypoints/handlers/workerSweeper.js';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { InMemoryContainerTasks } from '../../adapters/memory/InMemoryContainerTasks.js';
import { InMemoryDailyCounters } from '../../adapters/memory/InMemoryDailyCounters.js';
import { InMemoryDispatches } from '../../adapters/memory/InMemoryDispatches.js';
import { InMemoryErrorNotifications } from '../../adapters/memory/InMemoryErrorNotifications.js';
import { InMemoryGpuJobs } from '../../adapters/memory/InMemoryGpuJobs.js';
import { InMemoryJobQueue } from '../../adapters/memory/InMemoryJobQueue.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemoryOutputUrls } from '../../adapters/memory/InMemoryOutputUrls.js';
import { InMemoryPresignedUrls } from '../../adapters/memory/InMemoryPresignedUrls.js';
import { InMemoryRunArtifacts } from '../../adapters/memory/InMemoryRunArtifacts.js';
import { InMemorySpotInstances } from '../../adapters/memory/InMemorySpotInstances.js';
import { InMemoryStepFunctions } from '../../adapters/memory/InMemoryStepFunctions.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { SequentialIds } from '../../adapters/memory/SequentialIds.js';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import type { WorkerRole } from '../../domain/launch/WorkerRole.js';
import { Callbacks, callbackPortsModule, callbackUseCasesModule } from '../../entrypoints/container/callbacksModule.js';
import { Cleanup, cleanupPortsModule, cleanupUseCasesModule } from '../../entrypoints/container/cleanupModule.js';
import { Dispatch, dispatchPortsModule, dispatchUseCasesModule } from '../../entrypoints/container/dispatchModule.js';
import { JobApi, jobPortsModule, jobUseCasesModule } from '../../entrypoints/container/jobsModule.js';
import { Launch, launchWorkerModule, spotPortsModule } from '../../entrypoints/container/launchModule.js';
import { newContainer } from '../../entrypoints/container/newContainer.js';
import { platformModule } from '../../entrypoints/container/platformModule.js';
import { Quota, quotaPortsModule, quotaUseCasesModule } from '../../entrypoints/container/quotaModule.js';
import { callbackRedriveHandler } from '../../entrypoints/handlers/callbackRedrive.js';
import { checkQuotaHandler } from '../../entrypoints/handlers/checkQuota.js';
import { cleanupHandler } from '../../entrypoints/handlers/cleanup.js';
import { dispatchToEcsHandler } from '../../entrypoints/handlers/dispatchToEcs.js';
import { getJobStatusHandler } from '../../entrypoints/handlers/getJobStatus.js';
import { handleErrorHandler } from '../../entrypoints/handlers/handleError.js';
import { incrementCounterHandler } from '../../entrypoints/handlers/incrementCounter.js';
import { launchWorkerHandler } from '../../entrypoints/handlers/launchWorker.js';
import { releaseQuotaHandler } from '../../entrypoints/handlers/releaseQuota.js';
import { reserveQuotaHandler } from '../../entrypoints/handlers/reserveQuota.js';
import { runPodReconcileHandler } from '../../entrypoints/handlers/runPodReconcile.js';
import { runPodWebhookHandler } from '../../entrypoints/handlers/runPodWebhook.js';
import { submitJobHandler } from '../../entrypoints/handlers/submitJob.js';
import { submitRunPodJobHandler } from '../../entrypoints/handlers/submitRunPodJob.js';
import { updateJobStatusHandler } from '../../entrypoints/handlers/updateJobStatus.js';

/** How a handler is triggered, which decides what "no crash" means for it. */
export type Trigger = 'http' | 'task' | 'sqs' | 'schedule';

export interface FuzzedHandler {
  /** The bundle's name (`dist/lambda/<name>`). */
  readonly name: string;
  readonly trigger: Trigger;
  readonly handle: (event: unknown) => Promise<unknown>;
}

/** Secrets planted in the world: none of them may appear in any log record. */
export const PLANTED = {
  /** A 64-hex callback token the webhook knows. */
  callbackToken: 'c0ffee'.padEnd(64, '7'),
  /** What fuzzed Step Functions inputs carry as their task token. */
  taskToken: 'TASKTOKEN-SECRET-AAAAQKeFs6C9yxVUC1PFmhtkb0xqQ2tUU1c',
} as const;

/**
 * Every Lambda handler of Baton, built the way its bundle builds it (the same container
 * modules and handler factories), over in-memory adapters with one RecordingLog, so a fuzz run
 * sees exactly the code a Lambda runs apart from the AWS adapters.
 */
export function fuzzedSystems() {
  const clock = new ManualClock('2026-01-06T12:00:00Z');
  const log = new RecordingLog();
  const metrics = new InMemoryMetrics();
  const ids = new SequentialIds('f022');
  const sfn = new InMemoryStepFunctions(clock);
  const mappings = new InMemoryCallbackMappings();
  const jobs = new InMemoryJobs();
  const lambda = (...modules: ContainerModule[]) => {
    const container = newContainer();
    container.load(platformModule({ clock, ids, log, metrics }), ...modules);
    return container;
  };

  const spot = new InMemorySpotInstances();
  const workers = new InMemoryWorkerInstances(spot, clock);
  const callbacks = lambda(
    callbackPortsModule({ mappings, taskTokens: sfn, gpuJobs: new InMemoryGpuJobs(), presignedUrls: new InMemoryPresignedUrls() }),
    callbackUseCasesModule({
      submit: { webhookBaseUrl: 'https://api.example.com/webhook/', defaultBucket: 'fuzz-bucket', defaultPresignExpiresSecs: 21_600 },
      redrive: { redriveAfterSeconds: 60, leaseSeconds: 30, pageSize: 100, maxPages: 5 },
      reconcile: { reconcileAfterSeconds: 300, pageSize: 50, maxPages: 2 },
    }),
    new ContainerModule(({ bind }) => {
      bind(ExecutionWork.WorkerInstances).toConstantValue(workers);
      bind(ExecutionWork.Executions).toConstantValue(new InMemoryExecutions());
    }),
    stopExecutionWorkModule({ withRunPod: true }),
    sweepWorkerInstancesModule({ maxAgeSeconds: 7200 }),
  );
  const jobApi = lambda(
    jobPortsModule({ jobs, queue: new InMemoryJobQueue(), outputUrls: new InMemoryOutputUrls('fuzz-outputs'), errorNotifications: new InMemoryErrorNotifications() }),
    jobUseCasesModule(),
  );
  const quota = lambda(quotaPortsModule({ counters: new InMemoryDailyCounters() }), quotaUseCasesModule({ dailyQuota: 10 }));
  const cleanup = lambda(cleanupPortsModule({ artifacts: new InMemoryRunArtifacts() }), cleanupUseCasesModule());
  const dispatch = lambda(
    dispatchPortsModule({ dispatches: new InMemoryDispatches(), containerTasks: new InMemoryContainerTasks() }),
    dispatchUseCasesModule({
      taskDefinition: 'recorder:1',
      containerName: 'recorder',
      transmissionTaskDefinition: 'transmission:1',
      transmissionContainerName: 'transmission',
      bucket: 'fuzz-recordings',
      ttlDays: 7,
      leaseSeconds: 60,
    }),
  );
  const launcher = (role: WorkerRole) =>
    lambda(
      callbackPortsModule({ mappings, taskTokens: sfn }),
      spotPortsModule(spot),
      launchWorkerModule(
        {
          role,
          amiId: 'ami-0123456789abcdef0',
          instanceTypes: ['c5.2xlarge'],
          subnetIds: ['subnet-0aaaaaaa'],
          securityGroupIds: ['sg-0123456789'],
          iamInstanceProfile: `baton-${role}`,
          workDir: '/opt/work',
          shutdownWhenDone: true,
        },
        'fuzz-callbacks',
      ),
    );

  const handlers: FuzzedHandler[] = [
    { name: 'submit-job', trigger: 'http', handle: submitJobHandler(jobApi.get(JobApi.SubmitJob), log) },
    { name: 'get-job-status', trigger: 'http', handle: getJobStatusHandler(jobApi.get(JobApi.GetJobStatus), log) },
    { name: 'update-job-status', trigger: 'sqs', handle: updateJobStatusHandler(jobApi.get(JobApi.UpdateJobStatus), log, metrics) },
    { name: 'runpod-webhook', trigger: 'http', handle: runPodWebhookHandler(callbacks.get(Callbacks.HandleRunPodWebhook), log) },
    { name: 'submit-runpod-job', trigger: 'task', handle: submitRunPodJobHandler(callbacks.get(Callbacks.SubmitRunPodJob)) },
    { name: 'callback-redrive', trigger: 'schedule', handle: callbackRedriveHandler(callbacks.get(Callbacks.RedriveCallbacks)) },
    { name: 'runpod-reconcile', trigger: 'schedule', handle: runPodReconcileHandler(callbacks.get(Callbacks.ReconcileRunPodJobs)) },
    {
      name: 'execution-ended',
      trigger: 'schedule',
      handle: executionEndedHandler(callbacks.get(ExecutionWork.StopExecutionWork), log),
    },
    { name: 'worker-sweeper', trigger: 'schedule', handle: workerSweeperHandler(callbacks.get(ExecutionWork.SweepWorkerInstances)) },
    { name: 'handle-error', trigger: 'task', handle: handleErrorHandler(jobApi.get(JobApi.HandlePipelineError)) },
    { name: 'check-quota', trigger: 'task', handle: checkQuotaHandler(quota.get(Quota.CheckQuota)) },
    { name: 'increment-counter', trigger: 'task', handle: incrementCounterHandler(quota.get(Quota.IncrementCounter)) },
    { name: 'reserve-quota', trigger: 'task', handle: reserveQuotaHandler(quota.get(Quota.ReserveQuota)) },
    { name: 'release-quota', trigger: 'task', handle: releaseQuotaHandler(quota.get(Quota.ReleaseQuota)) },
    { name: 'cleanup', trigger: 'task', handle: cleanupHandler(cleanup.get(Cleanup.CleanupArtifacts)) },
    { name: 'start-renderer', trigger: 'task', handle: launchWorkerHandler(launcher('renderer').get(Launch.LaunchWorker)) },
    { name: 'start-uploader', trigger: 'task', handle: launchWorkerHandler(launcher('uploader').get(Launch.LaunchWorker)) },
    { name: 'dispatch-to-ecs', trigger: 'http', handle: dispatchToEcsHandler(dispatch.get(Dispatch.DispatchToEcs), ids, log, metrics) },
  ];

  /** A PENDING RunPod mapping under the planted callback token, its task waiting in Step Functions. */
  async function plantWaitingCallback(): Promise<string> {
    const taskToken = sfn.startTask();
    (await mappings.create(newCallbackMapping({ callbackToken: PLANTED.callbackToken, taskToken, channel: 'runpod', now: clock.now() })))._unsafeUnwrap();
    return taskToken;
  }

  return { handlers, log, sfn, mappings, jobs, clock, plantWaitingCallback };
}

export type FuzzedSystems = ReturnType<typeof fuzzedSystems>;
