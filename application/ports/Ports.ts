import type { CallbackMappings } from './CallbackMappings.js';
import type { Clock } from './Clock.js';
import type { ContainerTasks } from './ContainerTasks.js';
import type { DailyCounters } from './DailyCounters.js';
import type { Dispatches } from './Dispatches.js';
import type { ErrorNotifications } from './ErrorNotifications.js';
import type { Executions } from './Executions.js';
import type { GpuJobs } from './GpuJobs.js';
import type { Ids } from './Ids.js';
import type { JobQueue } from './JobQueue.js';
import type { Jobs } from './Jobs.js';
import type { Log } from './Log.js';
import type { Metrics } from './Metrics.js';
import type { OutputUrls } from './OutputUrls.js';
import type { PresignedUrls } from './PresignedUrls.js';
import type { RunArtifacts } from './RunArtifacts.js';
import type { SpotInstances } from './SpotInstances.js';
import type { TaskTokens } from './TaskTokens.js';
import type { WorkerInstances } from './WorkerInstances.js';

/**
 * Every port under its one property name. A use-case's dependencies are a `Pick` of this
 * (`new SubmitRunPodJob({ mappings, gpuJobs, clock, … }, settings)`), so a port is called the
 * same in every use-case, every composition root and every test.
 */
export interface Ports {
  readonly clock: Clock;
  readonly ids: Ids;
  readonly log: Log;
  readonly metrics: Metrics;
  readonly mappings: CallbackMappings;
  readonly taskTokens: TaskTokens;
  readonly gpuJobs: GpuJobs;
  readonly presignedUrls: PresignedUrls;
  readonly jobs: Jobs;
  readonly queue: JobQueue;
  readonly outputUrls: OutputUrls;
  readonly errorNotifications: ErrorNotifications;
  readonly counters: DailyCounters;
  readonly dispatches: Dispatches;
  readonly containerTasks: ContainerTasks;
  readonly executions: Executions;
  readonly workerInstances: WorkerInstances;
  readonly spotInstances: SpotInstances;
  readonly artifacts: RunArtifacts;
}
