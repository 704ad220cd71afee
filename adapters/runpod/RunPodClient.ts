import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type {
  GpuJobRejected,
  GpuJobRequest,
  GpuJobs,
  GpuJobStatus,
  GpuJobSubmitError,
  GpuJobUnknown,
} from '../../application/ports/GpuJobs.js';
import { callBudgetMs, callSignal, isDeadlineExceeded } from '../shared/deadline.js';
import { backoffDelay, REAL_RETRY_CLOCK, retryTransient, type RetryClock, type RetryPolicy } from '../shared/retryTransient.js';
import type { ApiKeySource } from './secretApiKey.js';

export interface RunPodClientOptions {
  /** `https://api.runpod.ai/v2/{endpoint-id}/run`; `/status/{id}` and `/cancel/{id}` are its siblings. */
  readonly endpointUrl: string;
  /**
   * Resolved per call, so a key from Secrets Manager can be cached and rotated. Called with
   * `{ fresh: true }` once after RunPod answers 401/403 (see `secretApiKey`).
   */
  readonly apiKey: ApiKeySource;
  /** One attempt's limit (default 10 s); the invocation's deadline cuts it shorter. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: RetryClock;
  readonly fetch?: typeof fetch;
}

/** A status or cancel request kept failing in a way that may pass (429, 5xx, timeouts, network) after every attempt. */
export class RunPodUnavailableError extends Error {
  override readonly name = 'RunPodUnavailableError';
}

/** One status/cancel attempt's answer that another attempt may improve on. */
class PassingFailure extends Error {}

/** The fetch itself failed (no HTTP answer); `cause` is what fetch threw. */
class NoAnswer extends Error {}

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Connection errors raised before a byte of the request left: the request surely did not
 * reach RunPod. ECONNRESET and socket errors are not here: they can happen after sending.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** An attempt that failed without RunPod hearing of it: worth another attempt. */
interface NotSent {
  readonly sent: false;
  readonly detail: string;
}

type Attempt = Result<{ id: string }, GpuJobSubmitError> | NotSent;

/**
 * RunPod serverless over HTTP (`fetch`). `POST /run` starts a job and has no idempotency key,
 * so an attempt is repeated only when the request surely did not reach RunPod (refused
 * connection, DNS, connect timeout, 429); a timeout, a 5xx or a connection lost after
 * sending comes back as `GpuJobOutcomeUnknown` at once, never retried: repeating it could
 * start a second GPU job writing the same output. Each attempt is cut by its own timeout and
 * by the invocation's deadline; no backoff is slept that the deadline would not leave room for.
 * `/status` and `/cancel` are safe to repeat: retried on 429/5xx and network faults with full
 * jitter; a 404 from them is `GpuJobUnknown`. On 401/403 the key is read again past its cache
 * and, if it was rotated, the request is sent once more (a refused request was not processed).
 */
export class RunPodClient implements GpuJobs {
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly clock: RetryClock;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: RunPodClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retry = options.retry ?? { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 };
    this.clock = options.clock ?? REAL_RETRY_CLOCK;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  submit(request: GpuJobRequest): ResultAsync<{ readonly id: string }, GpuJobSubmitError> {
    return new ResultAsync(this.attempts(JSON.stringify(request)));
  }

  private async attempts(body: string): Promise<Result<{ id: string }, GpuJobSubmitError>> {
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(body);
      if (!('sent' in outcome)) return outcome;
      const delay = backoffDelay(attempt, this.retry, this.clock.random);
      const budget = callBudgetMs();
      // Another attempt needs the wait plus a fair chance to connect before the deadline.
      const roomLeft = budget === undefined || budget > delay + 1_000;
      if (attempt >= this.retry.maxAttempts || !roomLeft) {
        return err({ type: 'GpuJobNotSubmitted', detail: `${outcome.detail} (after ${attempt} attempt${attempt > 1 ? 's' : ''})` });
      }
      await this.clock.sleep(delay);
    }
  }

  private async attempt(body: string): Promise<Attempt> {
    let response: Response;
    let text: string;
    try {
      response = await this.authorised((apiKey) => this.send(this.options.endpointUrl, 'POST', apiKey, body));
      text = await response.text();
    } catch (fault) {
      // A key no header can carry is a configuration fault: nothing was sent, and no retry helps.
      if (fault instanceof UnsendableKey) throw fault;
      if (fault instanceof KeyUnreadable) return err({ type: 'GpuJobNotSubmitted', detail: fault.message });
      const cause = fault instanceof NoAnswer ? fault.cause : fault;
      if (isDeadlineExceeded(cause)) return err({ type: 'GpuJobOutcomeUnknown', detail: 'no answer from RunPod: the invocation deadline passed' });
      if (surelyNotSent(cause)) return { sent: false, detail: describe(cause) };
      return err({ type: 'GpuJobOutcomeUnknown', detail: `no answer from RunPod: ${describe(cause)}` });
    }
    if (response.ok) {
      const id = jobId(text);
      if (id === undefined) return err({ type: 'GpuJobOutcomeUnknown', detail: `RunPod answered ${response.status} without a job id` });
      return ok({ id });
    }
    // 429: RunPod's rate limit turned the request away before it was processed.
    if (response.status === 429) return { sent: false, detail: `HTTP 429: ${text.slice(0, 200)}` };
    if (response.status === 408 || response.status >= 500) {
      return err({ type: 'GpuJobOutcomeUnknown', detail: `HTTP ${response.status}: ${text.slice(0, 200)}` });
    }
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

  /** A body-less request about one job: safe to repeat (a status is a read; cancelling twice cancels once). */
  private request<T, E>(url: string, method: 'GET' | 'POST', read: (status: number, text: string) => Result<T, E>): ResultAsync<T, E> {
    const attempt = async (): Promise<Result<T, E>> => {
      let response: Response;
      let text: string;
      try {
        response = await this.authorised((apiKey) => this.send(url, method, apiKey));
        text = await response.text();
      } catch (fault) {
        const cause = fault instanceof NoAnswer ? fault.cause : fault;
        if (fault instanceof KeyUnreadable || fault instanceof UnsendableKey || isDeadlineExceeded(cause)) throw cause;
        throw new PassingFailure(describe(cause));
      }
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
    const key = await this.key();
    const first = await send(key);
    if (first.status !== 401 && first.status !== 403) return first;
    const fresh = await this.key({ fresh: true });
    if (fresh === key) return first;
    await first.body?.cancel();
    return send(fresh);
  }

  private async key(options?: { readonly fresh?: boolean }): Promise<string> {
    try {
      return await this.options.apiKey(options);
    } catch (fault) {
      throw new KeyUnreadable(`the RunPod API key could not be read: ${describe(fault)}`);
    }
  }

  private async send(url: string, method: 'GET' | 'POST', apiKey: string, body?: string): Promise<Response> {
    // fetch's own error for a bad header value quotes the value: the key would reach the log.
    if (!/^[\x21-\x7e]+$/.test(apiKey)) {
      throw new UnsendableKey('the RunPod API key holds characters an HTTP header cannot carry (the value is not shown)');
    }
    const call = callSignal();
    try {
      return await this.fetch(url, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${apiKey}` },
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), ...(call.signal ? [call.signal] : [])]),
      });
    } catch (fault) {
      throw new NoAnswer('no answer', { cause: call.signal?.aborted ? call.signal.reason : fault });
    } finally {
      call.done();
    }
  }
}

/** The key source failed: nothing was sent. */
class KeyUnreadable extends Error {}

/** The key cannot go into an `Authorization` header (fetch's own error would quote it). */
class UnsendableKey extends Error {}

/** Undici wraps the socket error: `TypeError('fetch failed', { cause: { code } })`. */
function surelyNotSent(fault: unknown): boolean {
  for (let e: unknown = fault, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function describe(fault: unknown): string {
  if (!(fault instanceof Error)) return String(fault);
  const cause = fault.cause instanceof Error ? ` (${(fault.cause as Error & { code?: string }).code ?? fault.cause.message})` : '';
  return `${fault.name}: ${fault.message}${cause}`;
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
