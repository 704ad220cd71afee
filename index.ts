/**
 * `baton`: hand long-running work out of AWS Step Functions (RunPod GPU jobs, EC2 Spot workers,
 * ECS tasks) and resume the workflow exactly once.
 *
 * The root is what a service composes: the domain (also alone as `baton/domain`), the use-cases,
 * the ports they take and every use-case's input, answer and error types. Adapters come from
 * `baton/aws` (real, on the AWS SDK) and `baton/testing` (in memory); Lambda handler factories
 * from `baton/lambda`; the Spot worker library from `baton/worker`. Importing it has no side
 * effects and loads no AWS SDK: no client is created and no environment variable is read.
 *
 * @example
 * import { HandleRunPodWebhook, CompleteCallback, ResumeCallback } from 'baton';
 * import { DynamoDbCallbackMappings, StepFunctionsTaskTokens, SystemClock } from 'baton/aws';
 *
 * @packageDocumentation
 */
export * from './exports/domain.js';

// ---- RunPod callback flow (SPEC system 1) ----
export {
  SubmitRunPodJob,
  type SubmitRunPodJobError,
  type SubmitRunPodJobOutput,
  type SubmitRunPodJobSettings,
} from './application/runpod/SubmitRunPodJob.js';
export type { SubmitRunPodJobInput } from './application/runpod/submitRunPodJobInput.js';
export { HandleRunPodWebhook, type HandleRunPodWebhookError, type RunPodWebhookInput } from './application/runpod/HandleRunPodWebhook.js';
export type { RunPodWebhookBody } from './application/runpod/runPodWebhookBody.js';
export {
  RUNPOD_JOB_LOST,
  ReconcileFaults,
  ReconcileRunPodJobs,
  type ReconcileAction,
  type ReconcileReport,
  type ReconcileSettings,
} from './application/runpod/ReconcileRunPodJobs.js';
export {
  CompleteCallback,
  type CallbackGone,
  type CompleteCallbackAnswer,
  type CompleteCallbackError,
  type CompleteCallbackInput,
} from './application/callbacks/CompleteCallback.js';
export { ResumeCallback, type ResumeResult } from './application/callbacks/ResumeCallback.js';
export {
  DEFAULT_REDRIVE_SETTINGS,
  OLDEST_ACCEPTED_AGE_METRIC,
  RedriveCallbacks,
  RedriveFaults,
  type RedriveReport,
  type RedriveSettings,
} from './application/callbacks/RedriveCallbacks.js';

// ---- EC2 Spot workers ----
export { LaunchWorker, type LaunchedWorker, type LaunchWorkerError, type WorkerReportChannel } from './application/launch/LaunchWorker.js';
export {
  ReportWorkerOutcome,
  type ReportWorkerOutcomeError,
  type StepFunctionsUnavailable,
  type WorkerReportAnswer,
  type WorkflowGone,
} from './application/worker/ReportWorkerOutcome.js';
export { SendWorkerHeartbeat, type HeartbeatAnswer, type SendWorkerHeartbeatError } from './application/worker/SendWorkerHeartbeat.js';
export type { WorkerLink } from './application/worker/WorkerLink.js';
export { StopExecutionWork, type StopExecutionWorkReport } from './application/executions/StopExecutionWork.js';
export { SweepWorkerInstances, type SweepReport, type SweepSettings } from './application/executions/SweepWorkerInstances.js';

// ---- The job API and the pipeline ----
export {
  SubmitJob,
  type IdempotencyKeyReused,
  type JobNotQueued,
  type JobSpecTooLarge,
  type SubmitJobError,
  type SubmitJobInput,
  type SubmittedJob,
} from './application/jobs/SubmitJob.js';
export type { SubmitJobSpec } from './application/jobs/submitJobSpec.js';
export {
  UpdateJobStatus,
  type JobBusy,
  type JobStatusRefused,
  type UpdateJobStatusError,
  type UpdateJobStatusInput,
} from './application/jobs/UpdateJobStatus.js';
export { GetJobStatus, type GetJobStatusError } from './application/jobs/GetJobStatus.js';
export type { JobStatusView, OutputLink } from './application/jobs/JobStatusView.js';
export {
  DEFAULT_UNQUEUED_SWEEP_SETTINGS,
  SweepUnqueuedJobs,
  type UnqueuedSweepOptions,
  type UnqueuedSweepReport,
  type UnqueuedSweepSettings,
} from './application/jobs/SweepUnqueuedJobs.js';
export { HandlePipelineError, type HandlePipelineErrorError } from './application/pipeline/HandlePipelineError.js';
export type { HandlePipelineErrorInput, HandlePipelineErrorOutput } from './application/pipeline/HandlePipelineErrorInput.js';
export { CleanupArtifacts, type ArtifactsCleaned, type ArtifactsLeft, type CleanupArtifactsError } from './application/cleanup/CleanupArtifacts.js';

// ---- The daily quota ----
export { CheckQuota } from './application/quota/CheckQuota.js';
export { ReserveQuota, type QuotaReserved, type ReserveQuotaError } from './application/quota/ReserveQuota.js';
export { ReleaseQuota, type QuotaReleased, type ReleaseQuotaError } from './application/quota/ReleaseQuota.js';
export { IncrementCounter, type CounterIncremented, type IncrementCounterError } from './application/quota/IncrementCounter.js';
export type { QuotaSettings } from './application/quota/QuotaSettings.js';
export type { JobIdInput } from './application/quota/JobIdInput.js';

// ---- ECS dispatch ----
export { DispatchToEcs } from './application/dispatch/DispatchToEcs.js';
export type { DispatchSettings } from './application/dispatch/DispatchSettings.js';
export type {
  DispatchCapacityUnavailable,
  DispatchLaunchRejected,
  DispatchToEcsAnswer,
  DispatchToEcsError,
  JobIdReused,
  LaunchInProgress,
  LaunchOutcomeUnknown,
  TorrentsNotConfigured,
} from './application/dispatch/dispatchAnswer.js';
export type { DispatchRequest, DispatchToEcsInput } from './application/dispatch/dispatchRequest.js';
export { RecordTaskStopped, type RecordTaskStoppedError, type TaskStopped, type TaskStoppedAnswer } from './application/dispatch/RecordTaskStopped.js';

// ---- Ports: what the use-cases take, with the values and errors they speak in ----
export type { CallbackMappings, CallbackNotFound, CallbackNotInStatus, CallbackTokenTaken, PageCursor, TokenPage } from './application/ports/CallbackMappings.js';
export type { Clock } from './application/ports/Clock.js';
export type {
  ContainerTasks,
  ContainerTasksUnavailable,
  StartedTask,
  TaskCapacityUnavailable,
  TaskLaunch,
  TaskLaunchError,
  TaskLaunchRejected,
  TaskPlacementFailure,
} from './application/ports/ContainerTasks.js';
export type { DailyCounters } from './application/ports/DailyCounters.js';
export type { DispatchChanged, Dispatches, DispatchExists, DispatchNotFound } from './application/ports/Dispatches.js';
export type { ErrorNotifications, NotificationNotSent, PipelineErrorAlert } from './application/ports/ErrorNotifications.js';
export type { Executions, ExecutionStatus } from './application/ports/Executions.js';
export type {
  GpuJobNotSubmitted,
  GpuJobOutcomeUnknown,
  GpuJobRejected,
  GpuJobRequest,
  GpuJobs,
  GpuJobStatus,
  GpuJobSubmitError,
  GpuJobUnknown,
} from './application/ports/GpuJobs.js';
export type { Ids } from './application/ports/Ids.js';
export type { JobMessage, JobQueue, JobQueueUnavailable } from './application/ports/JobQueue.js';
export type { CreateJobOptions, IdempotencyKeyTaken, JobChanged, JobIdTaken, JobNotFound, Jobs } from './application/ports/Jobs.js';
export type { Log, LogFields } from './application/ports/Log.js';
export type { Metrics } from './application/ports/Metrics.js';
export type { Ports } from './application/ports/Ports.js';
export type { OutputUrls } from './application/ports/OutputUrls.js';
export type { PresignedUrls, SegmentObjects } from './application/ports/PresignedUrls.js';
export type { ArtifactDeletion, ArtifactNotDeleted, ArtifactPrefix, RunArtifacts } from './application/ports/RunArtifacts.js';
export type { LaunchedInstance, SpotCapacityUnavailable, SpotInstances, SpotLaunchRequest } from './application/ports/SpotInstances.js';
export type { TaskTokenError, TaskTokenGone, TaskTokens, TaskTokensRefused, TaskTokensUnavailable } from './application/ports/TaskTokens.js';
export type { WorkerHost } from './application/ports/WorkerHost.js';
export type { WorkerInstance, WorkerInstances } from './application/ports/WorkerInstances.js';
