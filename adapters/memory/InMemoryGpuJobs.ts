import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { GpuJobRejected, GpuJobRequest, GpuJobs } from '../../application/ports/GpuJobs.js';

/**
 * A GPU job queue that accepts jobs and keeps them, for tests and the simulation (which
 * plays RunPod: it later posts each job's webhook). Can be told to reject or fail.
 */
export class InMemoryGpuJobs implements GpuJobs {
  readonly jobs: { readonly id: string; readonly request: GpuJobRequest }[] = [];
  private next = 0;
  private rejectNext: GpuJobRejected | undefined;
  private faultNext: Error | undefined;
  /** Called with each accepted job before the submit answers (e.g. to post a fast webhook). */
  onSubmit: ((job: { id: string; request: GpuJobRequest }) => void | Promise<void>) | undefined;

  submit(request: GpuJobRequest): ResultAsync<{ readonly id: string }, GpuJobRejected> {
    return new ResultAsync(this.accept(request));
  }

  private async accept(request: GpuJobRequest): Promise<Result<{ readonly id: string }, GpuJobRejected>> {
    const rejected = this.rejectNext;
    const fault = this.faultNext;
    this.rejectNext = undefined;
    this.faultNext = undefined;
    if (rejected) return err(rejected);
    if (fault) throw fault;
    this.next += 1;
    const job = { id: `runpod-job-${this.next}`, request };
    this.jobs.push(job);
    await this.onSubmit?.(job);
    return ok({ id: job.id });
  }

  /** The next submit is refused, as RunPod refuses a bad key or input. */
  rejectNextWith(status: number, detail: string): void {
    this.rejectNext = { type: 'GpuJobRejected', status, detail };
  }

  /** The next submit fails the way a network fault or a 5xx after retries does: it throws. */
  failNextWith(fault: Error): void {
    this.faultNext = fault;
  }
}
