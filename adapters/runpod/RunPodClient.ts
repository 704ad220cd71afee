import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { GpuJobRejected, GpuJobRequest, GpuJobs } from '../../application/ports/GpuJobs.js';

export interface RunPodClientOptions {
  /** `https://api.runpod.ai/v2/{endpoint-id}/run` */
  readonly endpointUrl: string;
  /** Resolved per call, so a key from Secrets Manager can be cached and rotated. */
  readonly apiKey: () => Promise<string>;
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** RunPod kept failing in a way that may pass (429, 5xx, timeouts, network) after every attempt. */
export class RunPodUnavailableError extends Error {
  override readonly name = 'RunPodUnavailableError';
}

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * RunPod serverless over HTTP (`fetch`): a timeout per attempt, and retries on 429/5xx and
 * network faults with exponential backoff and full jitter. Other 4xx answers are the
 * caller's problem and come back as `GpuJobRejected`, not retried.
 */
export class RunPodClient implements GpuJobs {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: RunPodClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  submit(request: GpuJobRequest): ResultAsync<{ readonly id: string }, GpuJobRejected> {
    return new ResultAsync(this.submitWithRetries(request));
  }

  private async submitWithRetries(request: GpuJobRequest): Promise<Result<{ id: string }, GpuJobRejected>> {
    const body = JSON.stringify(request);
    let last = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      if (attempt > 1) await this.sleep(this.random() * this.baseDelayMs * 2 ** (attempt - 1));
      let response: Response;
      try {
        response = await this.fetch(this.options.endpointUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.options.apiKey()}` },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (fault) {
        last = fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault);
        continue;
      }
      const text = await response.text();
      if (response.ok) {
        const id = jobId(text);
        if (id === undefined) throw new RunPodUnavailableError(`RunPod answered ${response.status} without a job id`);
        return ok({ id });
      }
      if (!RETRYABLE(response.status)) {
        return err({ type: 'GpuJobRejected', status: response.status, detail: text.slice(0, 500) });
      }
      last = `HTTP ${response.status}: ${text.slice(0, 200)}`;
    }
    throw new RunPodUnavailableError(`RunPod unavailable after ${this.maxAttempts} attempts: ${last}`);
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
