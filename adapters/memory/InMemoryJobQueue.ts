import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { jobMessage, type JobMessage, type JobQueue, type JobQueueUnavailable } from '../../application/ports/JobQueue.js';
import type { Job } from '../../domain/jobs/Job.js';

/** A queue in an array. `failNext(n)` makes the next n sends fail, as an unreachable SQS would. */
export class InMemoryJobQueue implements JobQueue {
  readonly messages: JobMessage[] = [];
  private failures = 0;

  enqueue(job: Job): ResultAsync<void, JobQueueUnavailable> {
    if (this.failures > 0) {
      this.failures -= 1;
      return errAsync({ type: 'JobQueueUnavailable', cause: new Error('queue unavailable (simulated)') });
    }
    this.messages.push(jobMessage(job));
    return okAsync(undefined);
  }

  failNext(count = 1): void {
    this.failures += count;
  }

  /** Takes the oldest message, as a processor's receive would. */
  take(): JobMessage | undefined {
    return this.messages.shift();
  }
}
