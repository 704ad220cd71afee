import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { ok } from 'neverthrow';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsJobQueue } from '../../adapters/sqs/SqsJobQueue.js';
import { aJob } from './builders.js';

const sqs = mockClient(SQSClient);
beforeEach(() => sqs.reset());

describe('SqsJobQueue (exact requests)', () => {
  it('sends the job as JSON with the output bucket', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const job = aJob();

    const r = await new SqsJobQueue(new SQSClient({}), 'https://sqs.us-east-1.amazonaws.com/1/jobs', 'outputs').enqueue(job);

    expect(r).toEqual(ok(undefined));
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/jobs',
        MessageBody: JSON.stringify({ jobId: job.jobId, spec: job.spec, submittedAt: job.submittedAt, outputBucket: 'outputs' }),
      },
    ]);
  });

  it('groups and deduplicates by job id on a FIFO queue', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const job = aJob();

    (await new SqsJobQueue(new SQSClient({}), 'https://sqs.us-east-1.amazonaws.com/1/jobs.fifo').enqueue(job))._unsafeUnwrap();

    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input).toMatchObject({
      MessageGroupId: job.jobId,
      MessageDeduplicationId: job.jobId,
    });
  });

  it('turns a refused send into JobQueueUnavailable, keeping the cause', async () => {
    const cause = Object.assign(new Error('Access denied'), { name: 'AccessDenied' });
    sqs.on(SendMessageCommand).rejects(cause);

    const r = await new SqsJobQueue(new SQSClient({}), 'https://sqs.us-east-1.amazonaws.com/1/jobs').enqueue(aJob());

    expect(r._unsafeUnwrapErr()).toEqual({ type: 'JobQueueUnavailable', cause });
  });
});
