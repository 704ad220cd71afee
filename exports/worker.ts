/**
 * `baton/worker`: the worker library, for a process on a Spot instance launched by
 * `start-renderer` / `start-uploader` (or any process holding a task's callback): it heartbeats
 * while the work runs, stops when Step Functions no longer waits, and reports the outcome
 * exactly once (a repeated report is answered from the callbacks table, never resumed twice).
 * `workerFromEnvironment()` reads the instance's user-data environment; `createWorker` builds
 * one on any adapters (in-memory ones from `baton/testing` in tests).
 *
 * @example
 * import { runWorker, workerFromEnvironment } from 'baton/worker';
 * await runWorker(workerFromEnvironment(), async ({ jobId, signal }) => ({ video: await render(jobId, signal) }));
 *
 * @packageDocumentation
 */
export { createWorker, DEFAULT_HEARTBEAT_SECONDS, type WorkerAccess, type WorkerParts } from '../entrypoints/worker/createWorker.js';
export { errorName, runWorker, type RunWorkerOptions, type WorkerContext, type WorkerRun } from '../entrypoints/worker/runWorker.js';
export { startHeartbeat, type Heartbeat, type HeartbeatEnd, type HeartbeatOptions } from '../entrypoints/worker/startHeartbeat.js';
export { DEFAULT_REPORT_RETRY, Worker, type ReportRetry } from '../entrypoints/worker/Worker.js';
export { workerFromEnvironment } from '../entrypoints/worker/workerFromEnvironment.js';
