/**
 * `baton/domain`: Baton's domain model, pure and dependency-free but for `neverthrow`: the
 * records Baton keeps (callback mappings, jobs, ECS dispatches, Spot launches, daily quotas),
 * their status machines as data, and the expected failures as values discriminated by `type`.
 *
 * A service reads these types in what the use-cases return; one that writes its own adapter
 * for a port conditions each write on the status machine here (`nextStatus`). The single-event
 * changes the use-cases apply (accepting a callback, claiming a dispatch, moving a job) are
 * not exported: each is only safe paired with the conditioned write its use-case makes.
 *
 * @example
 * import { JOB_TRANSITIONS, nextStatus } from 'baton/domain';
 * nextStatus(JOB_TRANSITIONS, 'submitted', 'start'); // 'processing'
 *
 * @packageDocumentation
 */

// RunPod and worker callbacks: a callback token mapped to a Step Functions task token.
export {
  CALLBACK_TRANSITIONS,
  CALLBACK_TTL_DAYS,
  newCallbackMapping,
  type CallbackChannel,
  type CallbackEvent,
  type CallbackMapping,
  type CallbackStatus,
  type CallbackTransitionError,
  type NewCallbackMapping,
  type RepeatedReport,
} from '../domain/callbacks/CallbackMapping.js';
export { failureOutcome, successOutcome, type CallbackOutcome } from '../domain/callbacks/CallbackOutcome.js';
export { isCallbackToken } from '../domain/callbacks/CallbackToken.js';

// The job API's jobs.
export {
  DEFAULT_MAX_ATTEMPTS,
  FINAL_JOB_STATUSES,
  JOB_STATUSES,
  JOB_TRANSITIONS,
  JOB_TTL_DAYS,
  newJob,
  type AttemptNotStarted,
  type Job,
  type JobChange,
  type JobError,
  type JobEvent,
  type JobMetadata,
  type JobOutput,
  type JobStatus,
  type JobTransitionError,
  type NewJob,
  type StaleAttempt,
} from '../domain/jobs/Job.js';
export { IDEMPOTENCY_KEY_PATTERN, JOB_API_ID_PATTERN, MAX_JOB_SPEC_BYTES } from '../domain/jobs/jobLimits.js';

// ECS dispatches.
export {
  newDispatch,
  type Dispatch,
  type DispatchTarget,
  type LaunchFailureRecord,
  type LaunchState,
  type NewDispatch,
  type NotLaunchable,
} from '../domain/dispatch/Dispatch.js';
export { parseJobSource, type JobSource, type SourceKind } from '../domain/dispatch/JobSource.js';

// EC2 Spot workers.
export {
  EXECUTION_TAG,
  JOB_ID_TAG,
  ROLE_TAG,
  planLaunch,
  type Placement,
  type RenderLaunch,
  type Tag,
  type WorkerCredential,
  type WorkerLaunchSettings,
} from '../domain/launch/RenderLaunch.js';
export type { LaunchAttempt, SpotCapacityExhausted } from '../domain/launch/SpotCapacity.js';
export { WORKER_ROLES, type WorkerRole } from '../domain/launch/WorkerRole.js';

// The daily quota.
export { dailyQuota, type DailyQuota } from '../domain/quota/DailyQuota.js';
export type { DayTally, JobCount, QuotaExhausted, SlotRelease } from '../domain/quota/DayTally.js';

// Shared: invalid input, status machines.
export { describeIssues, type FieldIssue, type InvalidInput } from '../domain/shared/InvalidInput.js';
export { nextStatus, type IllegalTransition, type TransitionTable } from '../domain/shared/transitions.js';
