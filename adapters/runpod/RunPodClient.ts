import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { GpuJobRejected, GpuJobRequest, GpuJobs } from '../../application/ports/GpuJobs.js';
import { REAL_RETRY_CLOCK, retryTransient, type RetryClock, type RetryPolicy } from '../shared/retryTransient.js';

export interface RunPodClientOptions {
  /** `https://api.runpod.ai/v2/{endpoint-id}/run` */
  readonly endpointUrl: string;
  /** Resolved per call, so a key from Secrets Manager can be cached and rotated. */
  readonly apiKey: () => Promise<string>;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: RetryClock;
  readonly fetch?: typeof fetch;
}

/** RunPod kept failing in a way that may pass (429, 5xx, timeouts, network) after every attempt. */
export class RunPodUnavailableError extends Error {
  override readonly name = 'RunPodUnavailableError';
}

/** One attempt's answer that another attempt may improve on. */
class PassingFailure extends Error {}

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * RunPod serverless over HTTP (`fetch`): a timeout per attempt, and retries on 429/5xx and
 * network faults with exponential backoff and full jitter. Other 4xx answers are the
 * caller's problem and come back as `GpuJobRejected`, not retried.
 */
export class RunPodClient implements GpuJobs {
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly clock: RetryClock;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: RunPodClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retry = options.retry ?? { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 4_000 };
    this.clock = options.clock ?? REAL_RETRY_CLOCK;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  submit(request: GpuJobRequest): ResultAsync<{ readonly id: string }, GpuJobRejected> {
    const body = JSON.stringify(request);
    const attempts = retryTransient(() => this.attempt(body), (e) => e instanceof PassingFailure, this.retry, this.clock).catch(
      (fault: unknown) => {
        if (!(fault instanceof PassingFailure)) throw fault;
        throw new RunPodUnavailableError(`RunPod unavailable after ${this.retry.maxAttempts} attempts: ${fault.message}`);
      },
    );
    return new ResultAsync(attempts);
  }

  private async attempt(body: string): Promise<Result<{ id: string }, GpuJobRejected>> {
    let response: Response;
    try {
      response = await this.fetch(this.options.endpointUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.options.apiKey()}` },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (fault) {
      throw new PassingFailure(fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault));
    }
    const text = await response.text();
    if (response.ok) {
      const id = jobId(text);
      if (id === undefined) throw new RunPodUnavailableError(`RunPod answered ${response.status} without a job id`);
      return ok({ id });
    }
    if (RETRYABLE(response.status)) throw new PassingFailure(`HTTP ${response.status}: ${text.slice(0, 200)}`);
    return err({ type: 'GpuJobRejected', status: response.status, detail: text.slice(0, 500) });
  }
}

function jobId(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { id?: unknown };
    return typeof value.id === 'string' && value.id !== '' ? value.id : undefined;
  } catch {
    return undefined;
  }
}
