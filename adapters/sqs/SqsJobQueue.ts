import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ResultAsync } from 'neverthrow';
import { jobMessage, type JobQueue, type JobQueueUnavailable } from '../../application/ports/JobQueue.js';
import type { Job } from '../../domain/jobs/Job.js';

/**
 * Sends each job to an SQS queue as JSON (`{ jobId, spec, submittedAt, outputBucket? }`). On a FIFO queue
 * the job id is both the group (one job's messages stay ordered) and the deduplication id (a
 * retried send within five minutes is dropped by SQS).
 *
 * @example
 * const queue = new SqsJobQueue(new SQSClient({}), process.env.SQS_JOB_QUEUE_URL!, 'video-outputs');
 * const sent = await queue.enqueue(job); // err({ type: 'JobQueueUnavailable', cause }) if SQS refuses
 */
export class SqsJobQueue implements JobQueue {
  private readonly fifo: boolean;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly outputBucket?: string,
  ) {
    this.fifo = queueUrl.endsWith('.fifo');
  }

  enqueue(job: Job): ResultAsync<void, JobQueueUnavailable> {
    return ResultAsync.fromPromise(
      this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(jobMessage(job, this.outputBucket)),
          ...(this.fifo ? { MessageGroupId: job.jobId, MessageDeduplicationId: job.jobId } : {}),
        }),
      ),
      (cause): JobQueueUnavailable => ({ type: 'JobQueueUnavailable', cause }),
    ).map(() => undefined);
  }
}
