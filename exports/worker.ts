/**
 * The worker library: what a process on a Spot instance launched by `start-renderer` /
 * `start-uploader` uses to heartbeat and to report its outcome.
 */
export { createWorker, DEFAULT_HEARTBEAT_SECONDS, type WorkerAccess, type WorkerParts } from '../entrypoints/worker/createWorker.js';
export { errorName, runWorker, type RunWorkerOptions, type WorkerContext, type WorkerRun } from '../entrypoints/worker/runWorker.js';
export { startHeartbeat, type Heartbeat, type HeartbeatEnd, type HeartbeatOptions } from '../entrypoints/worker/startHeartbeat.js';
export { DEFAULT_REPORT_RETRY, Worker, type ReportRetry } from '../entrypoints/worker/Worker.js';
export { workerFromEnvironment } from '../entrypoints/worker/workerFromEnvironment.js';
