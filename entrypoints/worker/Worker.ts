import { err, type Result } from 'neverthrow';
import type { Log } from '../../application/ports/Log.js';
import type { WorkerHost } from '../../application/ports/WorkerHost.js';
import type {
  ReportWorkerOutcome,
  ReportWorkerOutcomeError,
  WorkerReportAnswer,
} from '../../application/worker/ReportWorkerOutcome.js';
import type { HeartbeatAnswer, SendWorkerHeartbeat, SendWorkerHeartbeatError } from '../../application/worker/SendWorkerHeartbeat.js';
import { failureOutcome, successOutcome, type CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import type { WorkerRole } from '../../domain/launch/WorkerRole.js';
import { startHeartbeat, type Heartbeat, type HeartbeatOptions } from './startHeartbeat.js';

export interface ReportRetry {
  /** Deliveries tried in all (first included). */
  readonly attempts: number;
  /** Pause before the second try; doubled each time. */
  readonly firstDelayMs: number;
}

export const DEFAULT_REPORT_RETRY: ReportRetry = { attempts: 5, firstDelayMs: 1000 };

/**
 * The worker side of a Spot job, as a process on the instance sees it: report success or
 * failure once, and keep the task alive with heartbeats meanwhile. Build one with
 * `workerFromEnvironment()` (on EC2) or `createWorker()` (any adapters).
 *
 * @example
 * const worker = workerFromEnvironment();
 * const beat = worker.startHeartbeat();
 * await worker.reportSuccess({ job_id: worker.jobId, status: 'completed' });
 * await beat.stop();
 */
export class Worker {
  constructor(
    readonly jobId: string,
    readonly role: WorkerRole | undefined,
    private readonly report: ReportWorkerOutcome,
    private readonly heartbeat: SendWorkerHeartbeat,
    readonly log: Log,
    readonly heartbeatIntervalSeconds: number,
    private readonly retry: ReportRetry = DEFAULT_REPORT_RETRY,
    /** Stopped when the task is found gone; without one the worker only stops beating and aborts its work. */
    private readonly host?: WorkerHost,
  ) {}

  /** SendTaskSuccess with `payload` as the task's output (over 256 KiB: marked, see successOutcome). */
  reportSuccess(payload: Readonly<Record<string, unknown>>): Promise<Result<WorkerReportAnswer, ReportWorkerOutcomeError>> {
    return this.deliver(successOutcome(payload));
  }

  /** SendTaskFailure with the error name the state machine's Catch/Retry match on. */
  reportFailure(error: string, cause: string): Promise<Result<WorkerReportAnswer, ReportWorkerOutcomeError>> {
    return this.deliver(failureOutcome(error, cause));
  }

  /** One SendTaskHeartbeat now. */
  sendHeartbeat(): Promise<Result<HeartbeatAnswer, SendWorkerHeartbeatError>> {
    return Promise.resolve(this.heartbeat.execute());
  }

  /**
   * Heartbeats every `intervalSeconds` (default: the worker's configured interval) until
   * stopped. When Step Functions says the task is gone (TaskTimedOut, TaskDoesNotExist, the
   * mapping abandoned or missing), the work's signal aborts and the host is stopped: nothing
   * will ever take this instance's result.
   */
  startHeartbeat(options: Partial<HeartbeatOptions> = {}): Heartbeat {
    return startHeartbeat(() => this.sendHeartbeat(), this.log, {
      intervalMs: this.heartbeatIntervalSeconds * 1000,
      ...options,
      onGone: (error) => {
        options.onGone?.(error);
        void this.stopHost(error.type === 'WorkflowGone' ? error.reason : error.type);
      },
    });
  }

  private async stopHost(reason: string): Promise<void> {
    if (!this.host) return;
    this.log.warn('Task gone; stopping the instance', { reason });
    try {
      await this.host.stop(reason);
    } catch (error) {
      this.log.error('Could not stop the instance', { error: describe(error) });
    }
  }

  /**
   * Delivers the report, retrying a fault or an unreachable Step Functions with backoff.
   * Safe to retry: through the callbacks table a repeated report is answered from the stored
   * claim and never resumes twice.
   */
  private async deliver(outcome: CallbackOutcome): Promise<Result<WorkerReportAnswer, ReportWorkerOutcomeError>> {
    let delay = this.retry.firstDelayMs;
    let last: Result<WorkerReportAnswer, ReportWorkerOutcomeError> | undefined;
    let fault: unknown;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt += 1) {
      try {
        last = await this.report.execute(outcome);
        fault = undefined;
        if (last.isOk() || last.error.type !== 'StepFunctionsUnavailable') break;
      } catch (error) {
        fault = error;
      }
      if (attempt < this.retry.attempts) {
        this.log.warn('Report not delivered; retrying', { attempt, error: describe(fault ?? (last?.isErr() ? last.error : undefined)) });
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay *= 2;
      }
    }
    if (fault !== undefined) throw fault;
    const result = last ?? err({ type: 'StepFunctionsUnavailable' as const });
    result.match(
      (answer) => this.log.info('Worker outcome reported', { outcome: outcome.kind, answer: answer.type }),
      (error) => this.log.error('Worker outcome not reported', { outcome: outcome.kind, error: error.type }),
    );
    return result;
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'object' && value !== null && 'type' in value) return String((value as { type: unknown }).type);
  return String(value);
}
