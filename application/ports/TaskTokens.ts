import type { ResultAsync } from 'neverthrow';

/**
 * Step Functions says this token can never be used again: the task timed out, the token is
 * malformed, or the execution is gone. Retrying will not help.
 */
export interface TaskTokenGone {
  readonly type: 'TaskTokenGone';
  readonly reason: 'TaskTimedOut' | 'InvalidToken' | 'TaskDoesNotExist';
  readonly cause?: unknown;
}

/** Step Functions could not be reached or refused for now (throttling, 5xx, network). Retry later. */
export interface TaskTokensUnavailable {
  readonly type: 'TaskTokensUnavailable';
  readonly cause?: unknown;
  /**
   * A SendTaskSuccess/Failure attempt ended without an answer or with a 5xx: it may have reached
   * Step Functions and resumed the task (a throttling or other 4xx answer proves it did not).
   */
  readonly unanswered?: boolean;
}

/**
 * Step Functions refused the call for a reason retrying will not fix: our permissions
 * (AccessDenied, KMS), our request (validation, output too large). Someone must act.
 */
export interface TaskTokensRefused {
  readonly type: 'TaskTokensRefused';
  /** `AccessDeniedException: User … is not authorized to perform: states:SendTaskSuccess …` */
  readonly refusal: string;
  readonly cause?: unknown;
}

export type TaskTokenError = TaskTokenGone | TaskTokensUnavailable | TaskTokensRefused;

/**
 * Resumes Step Functions tasks that wait with `.waitForTaskToken`.
 * Limits (enforced by callers, see domain/callbacks/stepFunctionsLimits.ts): output ≤ 256 KiB,
 * error ≤ 256 characters, cause ≤ 32,768 characters.
 */
export interface TaskTokens {
  succeed(taskToken: string, output: string): ResultAsync<void, TaskTokenError>;
  fail(taskToken: string, error: string, cause: string): ResultAsync<void, TaskTokenError>;
  heartbeat(taskToken: string): ResultAsync<void, TaskTokenError>;
}
