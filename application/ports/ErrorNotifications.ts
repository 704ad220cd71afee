import type { ResultAsync } from 'neverthrow';

/** One pipeline failure, as people on call read it. */
export interface PipelineErrorAlert {
  readonly jobId: string;
  readonly state: string;
  readonly errorType: string;
  readonly errorMessage: string;
  readonly executionId?: string;
  readonly failedAt: string;
}

export interface NotificationNotSent {
  readonly type: 'NotificationNotSent';
  readonly cause?: unknown;
}

/** Alerts for pipeline failures (an SNS topic in AWS). Best effort: a failed send is a value, never a crash. */
export interface ErrorNotifications {
  notify(alert: PipelineErrorAlert): ResultAsync<void, NotificationNotSent>;
}
