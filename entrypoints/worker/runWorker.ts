import type { Result } from 'neverthrow';
import type { ReportWorkerOutcomeError, WorkerReportAnswer } from '../../application/worker/ReportWorkerOutcome.js';
import { DEFAULT_ERROR_NAME } from '../../domain/launch/WorkerRole.js';
import type { Worker } from './Worker.js';

export interface WorkerContext {
  readonly jobId: string;
  /** Aborted when Step Functions stops waiting (timeout, execution stopped): stop working. */
  readonly signal: AbortSignal;
}

export interface RunWorkerOptions {
  /** Error name for a thrown error that has no name of its own (default: the seed's RenderError / UploadError). */
  readonly defaultErrorName?: string;
  /** Overrides the worker's heartbeat interval. */
  readonly heartbeatIntervalMs?: number;
  /**
   * When the report is stored but Step Functions was unreachable, keep heartbeating up to this
   * long (default 15 minutes) so the task does not time out before the redrive resumes it.
   */
  readonly holdAfterAcceptedMs?: number;
}

export interface WorkerRun {
  readonly succeeded: boolean;
  /** What was reported: the output, or the error name and cause. */
  readonly reported: { readonly error: string; readonly cause: string } | { readonly output: Readonly<Record<string, unknown>> };
  readonly delivery: Result<WorkerReportAnswer, ReportWorkerOutcomeError>;
}

/**
 * Runs the job with heartbeats going, then reports exactly one outcome: the seed's
 * `{job_id, status: "completed", …result}` on success; on a throw, the error's name
 * (`YouTubeQuotaError`) as the Step Functions error and its message as the cause, so the
 * state machine can Catch or Retry on that name.
 *
 * @example
 * class YouTubeQuotaError extends Error {}
 * await runWorker(workerFromEnvironment(), async ({ jobId }) => ({ youtube_url: await upload(jobId) }));
 */
export async function runWorker(
  worker: Worker,
  work: (context: WorkerContext) => Promise<Readonly<Record<string, unknown>> | void>,
  options: RunWorkerOptions = {},
): Promise<WorkerRun> {
  const heartbeat = worker.startHeartbeat(options.heartbeatIntervalMs === undefined ? {} : { intervalMs: options.heartbeatIntervalMs });
  let reported: WorkerRun['reported'];
  let succeeded: boolean;
  try {
    const result = await work({ jobId: worker.jobId, signal: heartbeat.signal });
    reported = { output: { job_id: worker.jobId, status: 'completed', ...(result ?? {}) } };
    succeeded = true;
  } catch (error) {
    const fallback = options.defaultErrorName ?? (worker.role ? DEFAULT_ERROR_NAME[worker.role] : 'WorkerError');
    reported = { error: errorName(error, fallback), cause: errorCause(error) };
    succeeded = false;
  } finally {
    await heartbeat.stop();
  }
  const delivery =
    'output' in reported ? await worker.reportSuccess(reported.output) : await worker.reportFailure(reported.error, reported.cause);
  if (delivery.isOk() && delivery.value.type === 'Accepted') await holdUntilResumed(worker, options);
  return { succeeded, reported, delivery };
}

/** Heartbeats until the redrive has resumed the task (the loop ends by itself), or the hold runs out. */
async function holdUntilResumed(worker: Worker, options: RunWorkerOptions): Promise<void> {
  const heartbeat = worker.startHeartbeat(options.heartbeatIntervalMs === undefined ? {} : { intervalMs: options.heartbeatIntervalMs });
  let timer: NodeJS.Timeout | undefined;
  const holdMs = options.holdAfterAcceptedMs ?? 15 * 60 * 1000;
  const why = await Promise.race([heartbeat.ended, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), holdMs)))]);
  clearTimeout(timer);
  await heartbeat.stop();
  worker.log.info('Stopped holding the task for the redrive', { why });
}

/**
 * The name Step Functions will see. `class YouTubeQuotaError extends Error {}` keeps the name
 * `Error` on its instances unless it sets one, so the class name is used too. Bundle worker
 * code with names kept (esbuild `keepNames`) or set `name` explicitly.
 */
export function errorName(error: unknown, fallback: string): string {
  if (!(error instanceof Error)) return fallback;
  if (error.name && error.name !== 'Error') return error.name;
  const className = error.constructor?.name;
  return className && className !== 'Error' ? className : fallback;
}

function errorCause(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}
