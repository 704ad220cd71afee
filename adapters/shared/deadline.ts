import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * When the current invocation must be done, as epoch milliseconds. Calls in flight at `softAt`
 * are cut, so the caller still has until `hardAt` to put its records right (mark a job failed,
 * free a key, give a lease back) and answer; calls started after `softAt` (that clean-up) are
 * cut at `hardAt`.
 */
export interface Deadline {
  readonly softAt: number;
  readonly hardAt: number;
}

/** An outbound call was cut because the invocation's budget ran out. Its outcome is unknown. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/** Where the deadline of the invocation running now is kept. */
interface DeadlineStore {
  run<T>(deadline: Deadline, fn: () => PromiseLike<T>): Promise<T>;
  get(): Deadline | undefined;
}

/** Any number of invocations at once, each with its own deadline: AsyncLocalStorage. */
function perAsyncContext(): DeadlineStore {
  const als = new AsyncLocalStorage<Deadline>();
  return { run: (deadline, fn) => als.run(deadline, async () => fn()), get: () => als.getStore() };
}

/** One invocation at a time: a variable, set for the invocation and cleared after it. */
function oneAtATime(): DeadlineStore {
  let current: Deadline | undefined;
  return {
    run: async (deadline, fn) => {
      current = deadline;
      try {
        return await fn();
      } finally {
        if (current === deadline) current = undefined;
      }
    },
    get: () => current,
  };
}

let store: DeadlineStore = perAsyncContext();

/**
 * Declares that this process runs one invocation at a time, as a Lambda function does unless it
 * runs several per environment (Lambda Managed Instances, which set `AWS_LAMBDA_MAX_CONCURRENCY`;
 * AWS's own per-invocation store, `@aws/lambda-invoke-store`, makes the same choice). The
 * deadline is then a plain variable instead of AsyncLocalStorage, which on Node 22 hooks every
 * promise the process creates once it is in use: about a tenth of a webhook's CPU (BENCHMARKS.md).
 * Called by the Lambda platform at cold start; anything else keeps AsyncLocalStorage.
 */
export function oneInvocationAtATime(): void {
  store = oneAtATime();
}

/**
 * Runs `fn` with `deadline` applying to every outbound call made inside it (AWS SDK requests
 * through `awsRequestHandler`, RunPod fetches). Carried by the invocation's context (see
 * {@link oneInvocationAtATime}), so ports and use-cases need no extra parameter and no call can forget it.
 *
 * @example
 * await withDeadline(deadlineFor(context.getRemainingTimeInMillis()), () => handler(event));
 */
export function withDeadline<T>(deadline: Deadline, fn: () => PromiseLike<T>): Promise<T> {
  return store.run(deadline, fn);
}

export function currentDeadline(): Deadline | undefined {
  return store.get();
}

/** Time reserved after the soft deadline for clean-up and for answering. */
export interface DeadlineMargins {
  /** Kept free at the very end, so the answer leaves before the platform's own timeout. */
  readonly answerMs: number;
  /** Between the soft and the hard deadline: the clean-up writes. */
  readonly cleanupMs: number;
}

/**
 * The deadline of an invocation with `remainingMs` left (Lambda's `getRemainingTimeInMillis()`),
 * optionally capped (API Gateway answers 504 after 29 s whatever the function's timeout).
 * Margins scale with the budget: a sixth of it for clean-up (at least 1 s, at most 5 s), up to 1 s to answer.
 */
export function deadlineFor(remainingMs: number, now: number = Date.now(), capMs: number = Infinity): Deadline {
  const budget = Math.max(0, Math.min(remainingMs, capMs));
  const margins = marginsFor(budget);
  const hardAt = now + Math.max(0, budget - margins.answerMs);
  return { hardAt, softAt: Math.max(now, hardAt - margins.cleanupMs) };
}

function marginsFor(budgetMs: number): DeadlineMargins {
  const answerMs = Math.min(1_000, Math.floor(budgetMs / 6));
  const cleanupMs = Math.min(5_000, Math.max(Math.min(1_000, Math.floor(budgetMs / 3)), Math.floor(budgetMs / 6)));
  return { answerMs, cleanupMs };
}

/** How long a call started now may take under the current deadline; undefined when there is none. */
export function callBudgetMs(now: number = Date.now()): number | undefined {
  const deadline = currentDeadline();
  if (deadline === undefined) return undefined;
  const until = now < deadline.softAt ? deadline.softAt : deadline.hardAt;
  return Math.max(0, until - now);
}

/** An abort signal for one outbound call, and `done()` to release its timer when the call ends. */
export interface CallSignal {
  readonly signal: AbortSignal | undefined;
  done(): void;
}

/**
 * The signal one outbound call must honour: aborted with `DeadlineExceeded` when the call's
 * budget (see {@link callBudgetMs}) runs out. No deadline, no signal.
 */
export function callSignal(now: number = Date.now()): CallSignal {
  const budget = callBudgetMs(now);
  if (budget === undefined) return { signal: undefined, done: () => {} };
  const controller = new AbortController();
  // Built only when the call is cut: an Error captures its stack, and nearly every call ends in time.
  const reason = () => new DeadlineExceeded(`the invocation's deadline passed (call budget ${budget} ms)`);
  if (budget <= 0) {
    controller.abort(reason());
    return { signal: controller.signal, done: () => {} };
  }
  const timer = setTimeout(() => controller.abort(reason()), budget);
  timer.unref?.();
  return { signal: controller.signal, done: () => clearTimeout(timer) };
}

/** Whether `error` is (or wraps, as the SDK's `AbortError` does) a cut by the deadline. */
export function isDeadlineExceeded(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  if (error instanceof DeadlineExceeded || (error as { name?: unknown }).name === 'DeadlineExceeded') return true;
  return isDeadlineExceeded((error as { cause?: unknown }).cause, depth + 1);
}

/** True once the soft deadline has passed: start no new work, only clean up. */
export function pastSoftDeadline(now: number = Date.now()): boolean {
  const deadline = currentDeadline();
  return deadline !== undefined && now >= deadline.softAt;
}
