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

/** The provider refused the job for a reason retrying will not fix (bad key, bad input, unknown endpoint). */
export interface GpuJobRejected {
  readonly type: 'GpuJobRejected';
  readonly status: number;
  readonly detail: string;
}

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

/** A GPU job queue (RunPod serverless). Transient faults (429, 5xx, timeouts) are retried inside, then thrown. */
export interface GpuJobs {
  submit(request: GpuJobRequest): ResultAsync<{ readonly id: string }, GpuJobRejected>;
  /** The job's status now. */
  status(jobId: string): ResultAsync<GpuJobStatus, GpuJobUnknown | GpuJobRejected>;
  /** Asks the provider to stop the job (a finished job stays as it ended); safe to repeat. */
  cancel(jobId: string): ResultAsync<void, GpuJobUnknown | GpuJobRejected>;
}
