import type { ResultAsync } from 'neverthrow';

/** RunPod's job request: `POST {endpoint}/run`. Times in milliseconds, as RunPod's `policy` takes them. */
export interface GpuJobRequest {
  readonly input: {
    readonly input_presigned_url: string;
    readonly output_presigned_url: string;
    readonly params: Readonly<Record<string, unknown>>;
  };
  readonly webhook: string;
  readonly policy?: { readonly executionTimeout?: number; readonly ttl?: number };
}

/** The provider refused the job for a reason retrying will not fix (bad key, bad input, unknown endpoint). No job exists. */
export interface GpuJobRejected {
  readonly type: 'GpuJobRejected';
  readonly status: number;
  readonly detail: string;
}

/**
 * The request surely never reached the provider (connection refused, DNS, connect timeout, a
 * 429 it refused before doing anything, or the key could not be read), even after retries.
 * No job exists; trying again later is safe.
 */
export interface GpuJobNotSubmitted {
  readonly type: 'GpuJobNotSubmitted';
  readonly detail: string;
}

/**
 * The request may have reached the provider and no answer came back (a timeout, a 5xx, a
 * connection lost after sending, the invocation's deadline). A job may exist and will report
 * to its webhook; submitting again could start a second one.
 */
export interface GpuJobOutcomeUnknown {
  readonly type: 'GpuJobOutcomeUnknown';
  readonly detail: string;
}

export type GpuJobSubmitError = GpuJobRejected | GpuJobNotSubmitted | GpuJobOutcomeUnknown;

/**
 * What the provider says about one job now (RunPod `GET /status/{id}`): `IN_QUEUE`,
 * `IN_PROGRESS`, or a terminal `COMPLETED`, `FAILED`, `CANCELLED`, `TIMED_OUT` with the same
 * fields a webhook carries. Any other status string is passed on as it is.
 */
export interface GpuJobStatus {
  readonly id: string;
  readonly status: string;
  readonly output?: unknown;
  readonly error?: unknown;
  readonly delayTime?: number;
  readonly executionTime?: number;
}

/** The provider does not know this job (never submitted, or its result has expired: RunPod keeps it 30 minutes). */
export interface GpuJobUnknown {
  readonly type: 'GpuJobUnknown';
  readonly jobId: string;
}

/**
 * A GPU job queue (RunPod serverless). `submit` is not idempotent on the provider's side, so
 * an adapter retries only what surely did not arrive, and says which of the three failures
 * it was: the caller keeps or drops its records by it. `status` and `cancel` are safe to
 * repeat; their transient faults are retried inside, then thrown.
 */
export interface GpuJobs {
  submit(request: GpuJobRequest): ResultAsync<{ readonly id: string }, GpuJobSubmitError>;
  /** The job's status now. */
  status(jobId: string): ResultAsync<GpuJobStatus, GpuJobUnknown | GpuJobRejected>;
  /** Asks the provider to stop the job (a finished job stays as it ended); safe to repeat. */
  cancel(jobId: string): ResultAsync<void, GpuJobUnknown | GpuJobRejected>;
}
