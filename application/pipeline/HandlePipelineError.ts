import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { newJob, transition, type Job, type JobError } from '../../domain/jobs/Job.js';
import { parseStepFunctionsError } from '../../domain/jobs/stepFunctionsError.js';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { ErrorNotifications } from '../ports/ErrorNotifications.js';
import type { UpdateJobStatus } from '../jobs/UpdateJobStatus.js';
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
    const parsed = validate(HandlePipelineErrorInputSchema, event);
    if (parsed.isErr()) {
      this.deps.log.error('Pipeline error could not be recorded: malformed handle-error input', { issues: parsed.error.issues });
      return errAsync(parsed.error);
    }
    const input = parsed.value;
    const details = parseStepFunctionsError(input.error.Error, input.error.Cause);
    const error: JobError = { type: details.type, message: details.message, state: input.state };
    const metadata = input.execution_id === undefined ? undefined : { executionId: input.execution_id };

    return this.record(input.job_id, error, metadata).andThen(({ job, recorded }) => {
      const failedAt = job.failedAt ?? job.updatedAt;
      this.deps.log.error('Pipeline step failed', {
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
      this.deps.metrics.count('PipelineErrors');
      const output: HandlePipelineErrorOutput = {
        job_id: input.job_id,
        status: job.status === 'completed' ? 'completed' : 'failed',
        error_logged: true,
      };
      const fresh = recorded === 'marked_failed' || recorded === 'created_failed';
      if (!fresh || this.deps.errorNotifications === undefined) return okAsync(output);
      return this.deps.errorNotifications
        .notify({
          jobId: input.job_id,
          state: input.state,
          errorType: details.type,
          errorMessage: details.message,
          failedAt,
          ...(input.execution_id === undefined ? {} : { executionId: input.execution_id }),
        })
        .map(() => output)
        .orElse((notSent) => {
          this.deps.log.warn('Error notification not sent', { job_id: input.job_id, cause: String(notSent.cause) });
          this.deps.metrics.count('ErrorNotificationsNotSent');
          return okAsync(output);
        });
    });
  }

  private record(
    jobId: string,
    error: JobError,
    metadata: Record<string, string> | undefined,
    round = 1,
  ): ResultAsync<Recording, never> {
    const change = { status: 'failed' as const, error, ...(metadata ? { metadata } : {}) };
    return this.deps.updateJobStatus
      .execute({ jobId, change })
      .map((job): Recording => ({ job, recorded: 'marked_failed' }))
      .orElse((refused): ResultAsync<Recording, never> => {
        switch (refused.type) {
          case 'JobStatusRefused':
            return okAsync({
              job: refused.current,
              recorded: refused.current.status === 'completed' ? 'already_completed' : 'already_failed',
            });
          case 'JobNotFound':
            if (round < 3) return this.createFailed(jobId, error, metadata, round);
            return fault(`job ${jobId} is neither readable nor creatable`);
          case 'JobBusy':
            // Others keep writing this job: a fault, so Lambda's (or the state machine's) retry tries again.
            return fault(`job ${jobId} kept changing while recording a pipeline error`);
        }
      });
  }

  private createFailed(
    jobId: string,
    error: JobError,
    metadata: Record<string, string> | undefined,
    round: number,
  ): ResultAsync<Recording, never> {
    const now = this.deps.clock.now();
    const fresh = newJob({ jobId, spec: {}, metadata: { source: 'pipeline', ...metadata }, maxAttempts: 1, now });
    const failed = transition(fresh, { status: 'failed', error }, now);
    if (failed.isErr()) return fault('a new job refused to fail');
    return this.deps.jobs
      .create(failed.value)
      .map((): Recording => ({ job: failed.value, recorded: 'created_failed' }))
      // Someone created it in between: judge the error against that job instead.
      .orElse(() => this.record(jobId, error, metadata, round + 1));
  }
}

interface Recording {
  readonly job: Job;
  readonly recorded: Recorded;
}

function fault(message: string): ResultAsync<never, never> {
  return ResultAsync.fromSafePromise(Promise.reject(new Error(message)));
}
