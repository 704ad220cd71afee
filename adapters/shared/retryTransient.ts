import { isDeadlineExceeded, pastSoftDeadline } from './deadline.js';

/** How often and how patiently a transient fault is retried. */
export interface RetryPolicy {
  /** Calls in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

/** Injected so tests run without waiting and with a known jitter. */
export interface RetryClock {
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const REAL_RETRY_CLOCK: RetryClock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * "Full jitter" backoff: a uniformly random wait up to `base · 2^(retry-1)`, capped. Spreads
 * the retries of many concurrent callers (a whole SQS batch throttled at once) instead of
 * having them hit the service again in lockstep.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Calls `call` until it succeeds, throws a fault `isTransient` does not accept, or
 * `maxAttempts` calls have failed, or the invocation's soft deadline has passed; then rethrows
 * the last fault. `onRetry` sees each retried fault.
 *
 * @example
 * const out = await retryTransient(() => client.send(cmd), isThrottling, DEFAULT_RETRY_POLICY);
 */
export async function retryTransient<T>(
  call: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  policy: RetryPolicy,
  clock: RetryClock = REAL_RETRY_CLOCK,
  onRetry: (error: unknown, retry: number) => void = () => {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      // Past the deadline nothing is retried: what is left of the budget is for clean-up.
      if (attempt >= policy.maxAttempts || !isTransient(error) || isDeadlineExceeded(error) || pastSoftDeadline()) throw error;
      onRetry(error, attempt);
      await clock.sleep(backoffDelay(attempt, policy, clock.random));
    }
  }
}
