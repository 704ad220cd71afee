/**
 * `baton/testing`: an in-memory adapter for every port, for a consumer's tests (and Baton's own
 * simulation). Each passes the same contract suite as its real adapter in `baton/aws`, so a
 * test on these fails where production would. Virtual time (`ManualClock`), predictable ids
 * (`SequentialIds`) and a log that records what it would print, redacted the same way
 * (`RecordingLog`). Loads no AWS SDK.
 *
 * @example
 * import { SubmitJob } from 'baton';
 * import { InMemoryJobQueue, InMemoryJobs, InMemoryMetrics, ManualClock, RecordingLog, SequentialIds } from 'baton/testing';
 *
 * @packageDocumentation
 */
export { ManualClock } from '../adapters/memory/ManualClock.js';
export { SequentialIds } from '../adapters/memory/SequentialIds.js';
export { RecordingLog, type LogRecord } from '../adapters/memory/RecordingLog.js';
export { InMemoryMetrics } from '../adapters/memory/InMemoryMetrics.js';

export { InMemoryCallbackMappings } from '../adapters/memory/InMemoryCallbackMappings.js';
export { InMemoryStepFunctions, type Task, type TaskState } from '../adapters/memory/InMemoryStepFunctions.js';
export { InMemoryGpuJobs } from '../adapters/memory/InMemoryGpuJobs.js';
export { InMemoryPresignedUrls } from '../adapters/memory/InMemoryPresignedUrls.js';
export { InMemoryExecutions } from '../adapters/memory/InMemoryExecutions.js';
export { InMemorySpotInstances, type SpotInstance } from '../adapters/memory/InMemorySpotInstances.js';
export { InMemoryWorkerInstances } from '../adapters/memory/InMemoryWorkerInstances.js';
export { RecordingWorkerHost } from '../adapters/memory/RecordingWorkerHost.js';

export { InMemoryJobs } from '../adapters/memory/InMemoryJobs.js';
export { InMemoryJobQueue } from '../adapters/memory/InMemoryJobQueue.js';
export { InMemoryOutputUrls } from '../adapters/memory/InMemoryOutputUrls.js';
export { InMemoryErrorNotifications } from '../adapters/memory/InMemoryErrorNotifications.js';
export { InMemoryRunArtifacts } from '../adapters/memory/InMemoryRunArtifacts.js';
export { InMemoryDailyCounters } from '../adapters/memory/InMemoryDailyCounters.js';
export { InMemoryDispatches } from '../adapters/memory/InMemoryDispatches.js';
export { InMemoryContainerTasks, type FakeTask } from '../adapters/memory/InMemoryContainerTasks.js';
