/**
 * `baton/lambda`: the handler factories behind Baton's own Lambdas, so a service mounts them in
 * a Lambda of its own. Each takes the use-case it drives (and a `Log` where it logs) and returns
 * `(event) => Promise<response>`: it parses the event (API Gateway REST v1 / HTTP API v2 proxy,
 * SQS batch, EventBridge, or a Step Functions task input), runs the use-case and answers as
 * SPEC.md says (status codes, the standard error body; for a task a `TaskError` whose `name`
 * a state machine's Retry and Catch match on). What composes the use-cases, and what wraps the
 * handler for Lambda (logger context, metrics flush, the invocation's deadline), is the
 * service's choice.
 *
 * @example
 * import { CompleteCallback, HandleRunPodWebhook, ResumeCallback } from 'baton';
 * import { runPodWebhookHandler } from 'baton/lambda';
 * export const handler = runPodWebhookHandler(new HandleRunPodWebhook(complete, log), log);
 *
 * @packageDocumentation
 */

// The RunPod callback flow.
export { submitRunPodJobHandler } from '../entrypoints/handlers/submitRunPodJob.js';
export { runPodWebhookHandler } from '../entrypoints/handlers/runPodWebhook.js';
export { callbackRedriveHandler } from '../entrypoints/handlers/callbackRedrive.js';
export { runPodReconcileHandler } from '../entrypoints/handlers/runPodReconcile.js';

// EC2 Spot workers.
export { launchWorkerHandler, type LaunchWorkerResponse } from '../entrypoints/handlers/launchWorker.js';
export { executionEndedHandler } from '../entrypoints/handlers/executionEnded.js';
export { workerSweeperHandler } from '../entrypoints/handlers/workerSweeper.js';

// The job API and the pipeline.
export { submitJobHandler } from '../entrypoints/handlers/submitJob.js';
export { updateJobStatusHandler } from '../entrypoints/handlers/updateJobStatus.js';
export { getJobStatusHandler } from '../entrypoints/handlers/getJobStatus.js';
export { jobSweeperHandler } from '../entrypoints/handlers/jobSweeper.js';
export { handleErrorHandler } from '../entrypoints/handlers/handleError.js';
export { cleanupHandler, type CleanupResponse } from '../entrypoints/handlers/cleanup.js';

// The daily quota.
export { checkQuotaHandler, type CheckQuotaResponse } from '../entrypoints/handlers/checkQuota.js';
export { reserveQuotaHandler, type ReserveQuotaResponse } from '../entrypoints/handlers/reserveQuota.js';
export { releaseQuotaHandler, type ReleaseQuotaResponse } from '../entrypoints/handlers/releaseQuota.js';
export { incrementCounterHandler, type IncrementCounterResponse } from '../entrypoints/handlers/incrementCounter.js';

// ECS dispatch.
export { dispatchToEcsHandler } from '../entrypoints/handlers/dispatchToEcs.js';
export { ecsTaskStateHandler, type EcsTaskStateAnswer } from '../entrypoints/handlers/ecsTaskState.js';

// What the handlers answer with.
export { TaskError } from '../entrypoints/handlers/taskError.js';
export type { HttpResponse } from '../entrypoints/http/apiGateway.js';
