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
  return { succeeded, reported, delivery };
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
