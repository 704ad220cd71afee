import { ok, safeTry, type ResultAsync } from 'neverthrow';
import { newJob, transition, type Job, type JobError } from '../../domain/jobs/Job.js';
import { parseStepFunctionsError } from '../../domain/jobs/stepFunctionsError.js';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { ErrorNotifications, PipelineErrorAlert } from '../ports/ErrorNotifications.js';
import type { UpdateJobStatus, UpdateJobStatusError } from '../jobs/UpdateJobStatus.js';
import type { Ports } from '../ports/Ports.js';
import { validate } from '../shared/validate.js';
import {
  HandlePipelineErrorInputSchema,
  type HandlePipelineErrorOutput,
} from './HandlePipelineErrorInput.js';

export type HandlePipelineErrorError = InvalidInput;

/** How the job record came out: changed now, already failed or completed before, or created. */
type Recorded = 'marked_failed' | 'already_failed' | 'already_completed' | 'created_failed';

/** What HandlePipelineError is given: see {@link Ports} for the one name of each port. */
export type HandlePipelineErrorDeps = Pick<
  Ports,
  'jobs' | 'clock' | 'log' | 'metrics'
> & {
  readonly updateJobStatus: UpdateJobStatus;
  readonly errorNotifications?: ErrorNotifications;
};

/**
 * seed 003's handle-error: the Catch target of every pipeline state. Parses the Step Functions
 * error, marks the job `failed` through the Job status machine (a job that completed before a
 * late error stays completed; a repeat leaves the first failure in place), writes one
 * structured error record, and alerts the optional topic once per job.
 * A job the table does not know is recorded as a new `failed` job, so whoever looks it up
 * later sees why the pipeline stopped (003's pipeline has no step that creates job records).
 *
 * @example
 * await handleError.execute({ job_id: 'job-abc123', error: { Error: 'States.TaskFailed', Cause: '{"errorMessage":"Timeout"}' }, state: 'GenerateScript' });
 * // ok({ job_id: 'job-abc123', status: 'failed', error_logged: true })
 */
export class HandlePipelineError {
  constructor(private readonly deps: HandlePipelineErrorDeps) {}

  execute(event: unknown): ResultAsync<HandlePipelineErrorOutput, HandlePipelineErrorError> {
    const { log, metrics } = this.deps;
    const record = (jobId: string, error: JobError, metadata: Metadata) => this.record(jobId, error, metadata);
    const alert = (notification: PipelineErrorAlert) => this.alert(notification);
    return safeTry(async function* () {
      const input = yield* validate(HandlePipelineErrorInputSchema, event).mapErr((invalid) => {
        log.error('Pipeline error could not be recorded: malformed handle-error input', { issues: invalid.issues });
        return invalid;
      });
      const details = parseStepFunctionsError(input.error.Error, input.error.Cause);
      const error: JobError = { type: details.type, message: details.message, state: input.state };
      const metadata = input.execution_id === undefined ? undefined : { executionId: input.execution_id };
      const { job, recorded } = await record(input.job_id, error, metadata);
      const failedAt = job.failedAt ?? job.updatedAt;
      log.error('Pipeline step failed', {
        job_id: input.job_id,
        exec_id: input.execution_id,
        failed_state: input.state,
        error_name: input.error.Error ?? null,
        error_type: details.type,
        error_message: details.message,
        stack_trace: details.stackTrace,
        job_status: job.status,
        recorded,
        failed_at: failedAt,
      });
      metrics.count('PipelineErrors');
      // One alert per job: only the delivery that failed it (or created it failed) sends one.
      const fresh = recorded === 'marked_failed' || recorded === 'created_failed';
      if (fresh) {
        await alert({
          jobId: input.job_id,
          state: input.state,
          errorType: details.type,
          errorMessage: details.message,
          failedAt,
          ...(input.execution_id === undefined ? {} : { executionId: input.execution_id }),
        });
      }
      const output: HandlePipelineErrorOutput = {
        job_id: input.job_id,
        status: job.status === 'completed' ? 'completed' : 'failed',
        error_logged: true,
      };
      return ok(output);
    });
  }

  /** Marks the job failed; a refusal says how the job stands, or (unknown job) creates it failed. Faults throw. */
  private async record(jobId: string, error: JobError, metadata: Metadata, round = 1): Promise<Recording> {
    const change = { status: 'failed' as const, error, ...(metadata ? { metadata } : {}) };
    const updated = await this.deps.updateJobStatus.execute({ jobId, change });
    // A refusal is a fork, not a failure to pass on: it says how the job stands.
    if (updated.isErr()) return this.refused(updated.error, jobId, error, metadata, round);
    return { job: updated.value, recorded: 'marked_failed' };
  }

  private async refused(refused: UpdateJobStatusError, jobId: string, error: JobError, metadata: Metadata, round: number): Promise<Recording> {
    switch (refused.type) {
      case 'JobStatusRefused':
        return { job: refused.current, recorded: refused.current.status === 'completed' ? 'already_completed' : 'already_failed' };
      case 'JobNotFound':
        if (round < 3) return this.createFailed(jobId, error, metadata, round);
        throw new Error(`job ${jobId} is neither readable nor creatable`);
      case 'JobBusy':
        // Others keep writing this job: a fault, so Lambda's (or the state machine's) retry tries again.
        throw new Error(`job ${jobId} kept changing while recording a pipeline error`);
    }
  }

  private async createFailed(jobId: string, error: JobError, metadata: Metadata, round: number): Promise<Recording> {
    const now = this.deps.clock.now();
    const fresh = newJob({ jobId, spec: {}, metadata: { source: 'pipeline', ...metadata }, maxAttempts: 1, now });
    const failed = transition(fresh, { status: 'failed', error }, now);
    if (failed.isErr()) throw new Error('a new job refused to fail');
    const created = await this.deps.jobs.create(failed.value);
    // Someone created it in between: judge the error against that job instead.
    if (created.isErr()) return this.record(jobId, error, metadata, round + 1);
    return { job: failed.value, recorded: 'created_failed' };
  }

  /** An alert that could not be sent is logged and counted; the error is recorded all the same. */
  private async alert(notification: PipelineErrorAlert): Promise<void> {
    const notifications = this.deps.errorNotifications;
    if (notifications === undefined) return;
    const sent = await notifications.notify(notification);
    if (sent.isOk()) return;
    this.deps.log.warn('Error notification not sent', { job_id: notification.jobId, cause: String(sent.error.cause) });
    this.deps.metrics.count('ErrorNotificationsNotSent');
  }
}

type Metadata = Record<string, string> | undefined;

interface Recording {
  readonly job: Job;
  readonly recorded: Recorded;
}
