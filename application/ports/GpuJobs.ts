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

/** A GPU job queue (RunPod serverless). Transient faults (429, 5xx, timeouts) are retried inside, then thrown. */
export interface GpuJobs {
  submit(request: GpuJobRequest): ResultAsync<{ readonly id: string }, GpuJobRejected>;
}
