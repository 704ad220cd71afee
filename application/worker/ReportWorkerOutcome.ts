import type { ResultAsync } from 'neverthrow';
import type { CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import type { CallbackNotFound } from '../ports/CallbackMappings.js';
import type { Ports } from '../ports/Ports.js';
import type { WorkerLink } from './WorkerLink.js';

export type WorkerReportAnswer =
  /** Step Functions took this report. */
  | { readonly type: 'Resumed' }
  /** The report is stored; Step Functions will be resumed by the redrive. Nothing more to do. */
  | { readonly type: 'Accepted' }
  /** An earlier report already resumed the task (this one changed nothing). */
  | { readonly type: 'AlreadyReported' };

/** The task no longer waits: it timed out, or its execution was stopped. */
export interface WorkflowGone {
  readonly type: 'WorkflowGone';
  readonly reason: string;
}

/** Step Functions could not be reached (task token in user-data only; the callbacks table keeps the report otherwise). */
export interface StepFunctionsUnavailable {
  readonly type: 'StepFunctionsUnavailable';
  readonly cause?: unknown;
}

export type ReportWorkerOutcomeError = CallbackNotFound | WorkflowGone | StepFunctionsUnavailable;

/** What ReportWorkerOutcome is given: see {@link Ports} for the one name of each port. */
export type ReportWorkerOutcomeDeps = Pick<Ports, 'taskTokens' | 'log'> & { readonly workerLink: WorkerLink };

/**
 * A worker reports how its job ended. Through the callbacks table this is CompleteCallback,
 * the webhook's own path: one conditional write claims the mapping, so a report repeated
 * after a crash or a lost response resumes Step Functions at most once.
 *
 * @example
 * await report.execute(successOutcome({ job_id, status: 'completed' }));
 */
export class ReportWorkerOutcome {
  constructor(private readonly deps: ReportWorkerOutcomeDeps) {}

  execute(outcome: CallbackOutcome): ResultAsync<WorkerReportAnswer, ReportWorkerOutcomeError> {
    const link = this.deps.workerLink;
    if (link.kind === 'callback') {
      return link.complete
        .execute({ callbackToken: link.callbackToken, outcome, channel: 'worker' })
        .map((answer): WorkerReportAnswer => {
          switch (answer.type) {
            case 'Resumed':
              return { type: 'Resumed' };
            case 'Deferred':
              return { type: 'Accepted' };
            case 'AlreadyFinished':
              return { type: 'AlreadyReported' };
          }
        })
        .mapErr((error): ReportWorkerOutcomeError =>
          error.type === 'CallbackGone' ? { type: 'WorkflowGone', reason: error.mapping.goneReason ?? error.mapping.status } : error,
        );
    }
    const sent =
      outcome.kind === 'success'
        ? this.deps.taskTokens.succeed(link.taskToken, outcome.output)
        : this.deps.taskTokens.fail(link.taskToken, outcome.error, outcome.cause);
    return sent
      .map((): WorkerReportAnswer => {
        this.deps.log.info(outcome.kind === 'success' ? 'Sent TaskSuccess for job' : 'Sent TaskFailure for job');
        return { type: 'Resumed' };
      })
      .mapErr(
        (error): ReportWorkerOutcomeError =>
          error.type === 'TaskTokenGone' ? { type: 'WorkflowGone', reason: error.reason } : { type: 'StepFunctionsUnavailable', cause: error.cause },
      );
  }
}

