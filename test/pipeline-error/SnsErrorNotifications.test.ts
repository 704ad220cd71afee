import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ok } from 'neverthrow';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsErrorNotifications } from '../../adapters/sns/SnsErrorNotifications.js';

const sns = mockClient(SNSClient);
beforeEach(() => sns.reset());
const alert = {
  jobId: 'job-1',
  state: 'RenderVideo',
  errorType: 'RenderError',
  errorMessage: 'ffmpeg exited 1',
  executionId: 'arn:aws:states:us-east-1:1:execution:p:e',
  failedAt: '2026-01-06T12:00:00Z',
};

describe('SnsErrorNotifications', () => {
  it('publishes the alert as snake_case JSON with a short subject', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });

    const r = await new SnsErrorNotifications(new SNSClient({}), 'arn:aws:sns:us-east-1:1:t').notify(alert);

    expect(r).toEqual(ok(undefined));
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      TopicArn: 'arn:aws:sns:us-east-1:1:t',
      Subject: 'Pipeline job job-1 failed in RenderVideo: RenderError',
      Message: JSON.stringify({
        job_id: 'job-1',
        state: 'RenderVideo',
        error_type: 'RenderError',
        error_message: 'ffmpeg exited 1',
        execution_id: 'arn:aws:states:us-east-1:1:execution:p:e',
        failed_at: '2026-01-06T12:00:00Z',
      }),
    });
  });

  it('keeps the subject within SNS limits (100 printable ASCII characters)', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });

    (await new SnsErrorNotifications(new SNSClient({}), 'arn:t').notify({ ...alert, state: 'É\n'.repeat(80) }))._unsafeUnwrap();

    const subject = sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject!;
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('turns a failed publish into NotificationNotSent', async () => {
    sns.on(PublishCommand).rejects(new Error('AuthorizationError'));

    const r = await new SnsErrorNotifications(new SNSClient({}), 'arn:t').notify(alert);

    expect(r.isErr() && r.error.type).toBe('NotificationNotSent');
  });
});
