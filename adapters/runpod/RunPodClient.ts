import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { GpuJobRejected, GpuJobRequest, GpuJobs, GpuJobStatus, GpuJobUnknown } from '../../application/ports/GpuJobs.js';
import { REAL_RETRY_CLOCK, retryTransient, type RetryClock, type RetryPolicy } from '../shared/retryTransient.js';
import type { ApiKeySource } from './secretApiKey.js';

export interface RunPodClientOptions {
  /** `https://api.runpod.ai/v2/{endpoint-id}/run`; `/status/{id}` and `/cancel/{id}` are its siblings. */
  readonly endpointUrl: string;
  /**
   * Resolved per call, so a key from Secrets Manager can be cached and rotated. Called with
   * `{ fresh: true }` once after RunPod answers 401/403 (see `secretApiKey`).
   */
  readonly apiKey: ApiKeySource;
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
 * caller's problem and come back as `GpuJobRejected`, not retried; a 404 from `/status` or
 * `/cancel` is `GpuJobUnknown`.
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
    const response = await this.authorised((apiKey) => this.post(body, apiKey));
    const text = await response.text();
    if (response.ok) {
      const id = jobId(text);
      if (id === undefined) throw new RunPodUnavailableError(`RunPod answered ${response.status} without a job id`);
      return ok({ id });
    }
    if (RETRYABLE(response.status)) throw new PassingFailure(`HTTP ${response.status}: ${text.slice(0, 200)}`);
    return err({ type: 'GpuJobRejected', status: response.status, detail: text.slice(0, 500) });
  }

  status(id: string): ResultAsync<GpuJobStatus, GpuJobUnknown | GpuJobRejected> {
    return this.request(this.sibling('status', id), 'GET', (status, text) => {
      if (status === 404) return err({ type: 'GpuJobUnknown', jobId: id });
      if (status < 200 || status >= 300) return err(rejected(status, text));
      const answer = parseStatus(text);
      if (answer === undefined) throw new RunPodUnavailableError(`RunPod answered ${status} to /status without a status`);
      return ok(answer);
    });
  }

  cancel(id: string): ResultAsync<void, GpuJobUnknown | GpuJobRejected> {
    return this.request(this.sibling('cancel', id), 'POST', (status, text) => {
      if (status === 404) return err({ type: 'GpuJobUnknown', jobId: id });
      if (status < 200 || status >= 300) return err(rejected(status, text));
      return ok(undefined);
    });
  }

  /** `…/v2/{endpoint}/run` → `…/v2/{endpoint}/{operation}/{id}`. */
  private sibling(operation: 'status' | 'cancel', id: string): string {
    return new URL(`${operation}/${encodeURIComponent(id)}`, this.options.endpointUrl).toString();
  }

  /**
   * A body-less request about one job, with the same timeout and retry discipline as a submit:
   * both are safe to repeat (a status is a read; cancelling twice cancels once).
   */
  private request<T, E>(url: string, method: 'GET' | 'POST', read: (status: number, text: string) => Result<T, E>): ResultAsync<T, E> {
    const attempt = async (): Promise<Result<T, E>> => {
      const response = await this.authorised((apiKey) => this.send(url, method, apiKey));
      const text = await response.text();
      if (RETRYABLE(response.status)) throw new PassingFailure(`HTTP ${response.status}: ${text.slice(0, 200)}`);
      return read(response.status, text);
    };
    const attempts = retryTransient(attempt, (e) => e instanceof PassingFailure, this.retry, this.clock).catch((fault: unknown) => {
      if (!(fault instanceof PassingFailure)) throw fault;
      throw new RunPodUnavailableError(`RunPod unavailable after ${this.retry.maxAttempts} attempts: ${fault.message}`);
    });
    return new ResultAsync(attempts);
  }

  /**
   * Sends with the current key; on 401/403 reads the key again, bypassing its cache, and if it
   * changed (a rotation) sends once more with the new one. An unchanged key means the refusal
   * is real: it stands.
   */
  private async authorised(send: (apiKey: string) => Promise<Response>): Promise<Response> {
    const key = await this.options.apiKey();
    const first = await send(key);
    if (first.status !== 401 && first.status !== 403) return first;
    const fresh = await this.options.apiKey({ fresh: true });
    if (fresh === key) return first;
    await first.body?.cancel();
    return send(fresh);
  }

  private post(body: string, apiKey: string): Promise<Response> {
    return this.send(this.options.endpointUrl, 'POST', apiKey, body);
  }

  private async send(url: string, method: 'GET' | 'POST', apiKey: string, body?: string): Promise<Response> {
    // fetch's own error for a bad header value quotes the value: the key would reach the log.
    if (!/^[\x21-\x7e]+$/.test(apiKey)) {
      throw new Error('the RunPod API key holds characters an HTTP header cannot carry (the value is not shown)');
    }
    try {
      return await this.fetch(url, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${apiKey}` },
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (fault) {
      throw new PassingFailure(fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault));
    }
  }
}

function rejected(status: number, text: string): GpuJobRejected {
  return { type: 'GpuJobRejected', status, detail: text.slice(0, 500) };
}

function jobId(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { id?: unknown };
    return typeof value.id === 'string' && value.id !== '' ? value.id : undefined;
  } catch {
    return undefined;
  }
}

function parseStatus(text: string): GpuJobStatus | undefined {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, status, output, error, delayTime, executionTime } = value;
  if (typeof id !== 'string' || typeof status !== 'string') return undefined;
  return {
    id,
    status,
    ...(output === undefined ? {} : { output }),
    ...(error === undefined ? {} : { error }),
    ...(typeof delayTime === 'number' ? { delayTime } : {}),
    ...(typeof executionTime === 'number' ? { executionTime } : {}),
  };
}
