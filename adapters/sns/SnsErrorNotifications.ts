import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { ResultAsync } from 'neverthrow';
import type {
  ErrorNotifications,
  NotificationNotSent,
  PipelineErrorAlert,
} from '../../application/ports/ErrorNotifications.js';

/** SNS subjects: at most 100 printable ASCII characters, no line breaks. */
function subjectOf(alert: PipelineErrorAlert): string {
  const text = `Pipeline job ${alert.jobId} failed in ${alert.state}: ${alert.errorType}`;
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

/**
 * Publishes each alert to an SNS topic as JSON (snake_case, like the pipeline's events).
 *
 * @example
 * const alerts = new SnsErrorNotifications(new SNSClient({}), 'arn:aws:sns:us-east-1:123456789012:pipeline-errors');
 */
export class SnsErrorNotifications implements ErrorNotifications {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  notify(alert: PipelineErrorAlert): ResultAsync<void, NotificationNotSent> {
    return ResultAsync.fromPromise(
      this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: subjectOf(alert),
          Message: JSON.stringify({
            job_id: alert.jobId,
            state: alert.state,
            error_type: alert.errorType,
            error_message: alert.errorMessage,
            execution_id: alert.executionId,
            failed_at: alert.failedAt,
          }),
        }),
      ),
      (cause): NotificationNotSent => ({ type: 'NotificationNotSent', cause }),
    ).map(() => undefined);
  }
}
