/**
 * The worker library: what a process on a Spot instance launched by `start-renderer` /
 * `start-uploader` uses to heartbeat and to report its outcome.
 */
export { createWorker, DEFAULT_HEARTBEAT_SECONDS, type WorkerAccess, type WorkerParts } from './createWorker.js';
export { errorName, runWorker, type RunWorkerOptions, type WorkerContext, type WorkerRun } from './runWorker.js';
export { startHeartbeat, type Heartbeat, type HeartbeatEnd, type HeartbeatOptions } from './startHeartbeat.js';
export { DEFAULT_REPORT_RETRY, Worker, type ReportRetry } from './Worker.js';
export { workerFromEnvironment } from './workerFromEnvironment.js';
