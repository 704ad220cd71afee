import { err, errAsync, ok, okAsync, ResultAsync, type Result } from 'neverthrow';
import type {
  GpuJobRejected,
  GpuJobRequest,
  GpuJobs,
  GpuJobStatus,
  GpuJobSubmitError,
  GpuJobUnknown,
} from '../../application/ports/GpuJobs.js';

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

/**
 * A GPU job queue that accepts jobs and keeps them with a status, for tests and the
 * simulation (which plays RunPod: it moves each job on and later posts its webhook). Can be
 * told to reject, to be unreachable, to lose a submit's answer (the job exists, the caller
 * does not learn it), or to fail, and to forget a job as RunPod does 30 minutes after it ends.
 */
export class InMemoryGpuJobs implements GpuJobs {
  readonly jobs: { readonly id: string; readonly request: GpuJobRequest }[] = [];
  /** Ids of every job a cancel reached, in order (repeats included). */
  readonly cancelled: string[] = [];
  private readonly states = new Map<string, GpuJobStatus>();
  private next = 0;
  private rejectNext: GpuJobRejected | undefined;
  private refuseSubmit: GpuJobSubmitError | undefined;
  private loseNext = false;
  private faultNext: Error | undefined;
  /** Called when a cancel stops a job that had not finished (the simulation stops its work). */
  onCancel: ((jobId: string) => void) | undefined;
  /** Called with each accepted job before the submit answers (e.g. to post a fast webhook). */
  onSubmit: ((job: { id: string; request: GpuJobRequest }) => void | Promise<void>) | undefined;

  submit(request: GpuJobRequest): ResultAsync<{ readonly id: string }, GpuJobSubmitError> {
    return new ResultAsync(this.accept(request));
  }

  status(jobId: string): ResultAsync<GpuJobStatus, GpuJobUnknown | GpuJobRejected> {
    const refused = this.takeRefusal();
    if (refused) return refused;
    const state = this.states.get(jobId);
    return state ? okAsync(state) : errAsync({ type: 'GpuJobUnknown', jobId });
  }

  cancel(jobId: string): ResultAsync<void, GpuJobUnknown | GpuJobRejected> {
    const refused = this.takeRefusal();
    if (refused) return refused;
    const state = this.states.get(jobId);
    if (!state) return errAsync({ type: 'GpuJobUnknown', jobId });
    this.cancelled.push(jobId);
    if (!TERMINAL.has(state.status)) {
      this.states.set(jobId, { id: jobId, status: 'CANCELLED' });
      this.onCancel?.(jobId);
    }
    return okAsync(undefined);
  }

  /** Moves a job on: `{ status: 'IN_PROGRESS' }`, or a terminal status with the webhook's fields. */
  setStatus(jobId: string, status: Omit<GpuJobStatus, 'id'>): void {
    this.states.set(jobId, { ...status, id: jobId });
  }

  /** RunPod no longer knows the job (its result expired, or it never existed there). */
  forget(jobId: string): void {
    this.states.delete(jobId);
  }

  private async accept(request: GpuJobRequest): Promise<Result<{ readonly id: string }, GpuJobSubmitError>> {
    const [rejected, refused, fault, lose] = [this.rejectNext, this.refuseSubmit, this.faultNext, this.loseNext];
    this.rejectNext = undefined;
    this.refuseSubmit = undefined;
    this.faultNext = undefined;
    this.loseNext = false;
    if (rejected) return err(rejected);
    if (refused) return err(refused);
    if (fault) throw fault;
    this.next += 1;
    const job = { id: `runpod-job-${this.next}`, request };
    this.jobs.push(job);
    this.states.set(job.id, { id: job.id, status: 'IN_QUEUE' });
    await this.onSubmit?.(job);
    if (lose) return err({ type: 'GpuJobOutcomeUnknown', detail: 'the answer was lost (simulated)' });
    return ok({ id: job.id });
  }

  private takeRefusal(): ResultAsync<never, GpuJobRejected> | undefined {
    const rejected = this.rejectNext;
    const fault = this.faultNext;
    this.rejectNext = undefined;
    this.faultNext = undefined;
    if (rejected) return errAsync(rejected);
    if (fault) return new ResultAsync(Promise.reject(fault));
    return undefined;
  }

  /** The next call is refused, as RunPod refuses a bad key or input. */
  rejectNextWith(status: number, detail: string): void {
    this.rejectNext = { type: 'GpuJobRejected', status, detail };
  }

  /** The next submit never reaches the queue (connection refused after every retry). */
  unreachableNext(detail = 'connect ECONNREFUSED'): void {
    this.refuseSubmit = { type: 'GpuJobNotSubmitted', detail };
  }

  /** The next submit starts a job but its answer is lost (a timeout after RunPod took it). */
  loseNextAnswer(): void {
    this.loseNext = true;
  }

  /** The next call throws, as an unknown fault does. */
  failNextWith(fault: Error): void {
    this.faultNext = fault;
  }
}
