import { ResultAsync } from 'neverthrow';

/** How a port call settled: its value, or the expected failure it returned. (A rejection is an infrastructure fault: not observed.) */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Per method: what to do with its arguments and its outcome once the call has settled. */
export type Observers<T> = { readonly [K in keyof T]?: (args: readonly unknown[], outcome: Outcome) => void };

/**
 * The port itself, each observed method reporting its outcome to its observer when it settles.
 * Whatever a method returns is handed back in kind: a `ResultAsync` as a `ResultAsync`, another
 * thenable (a `Promise<T>` or `Promise<Result>`) as a promise, a plain value as it is — so the
 * wrapper survives a port method changing from `ResultAsync<T, never>` to `Promise<T>`. Every
 * other property (the adapter's `all()`, `calls`…) is the adapter's own.
 *
 * @example
 * const mappings = observePort(new InMemoryCallbackMappings(), {
 *   create: ([mapping], outcome) => console.log((mapping as CallbackMapping).callbackToken, outcome.ok),
 * });
 */
export function observePort<T extends object>(port: T, observers: Observers<T>): T {
  const methods = new Map<PropertyKey, unknown>();
  return new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let method = methods.get(property);
      if (method === undefined) {
        const observer = observers[property as keyof T];
        const own = value as (...args: unknown[]) => unknown;
        method =
          observer === undefined
            ? own.bind(target)
            : (...args: unknown[]) => settled(Reflect.apply(own, target, args), (outcome) => observer(args, outcome));
        methods.set(property, method);
      }
      return method;
    },
  });
}

function settled(returned: unknown, observe: (outcome: Outcome) => void): unknown {
  if (returned instanceof ResultAsync || isResultAsyncLike(returned)) {
    // ResultAsync's `then` is its promise's: one step, no extra resolution of a thenable.
    const result = returned as { then<U>(onFulfilled: (r: unknown) => U): Promise<U> };
    return new ResultAsync(
      result.then((r) => {
        observe(outcomeOf(r));
        return r as never;
      }),
    );
  }
  if (isThenable(returned)) {
    return returned.then((value) => {
      observe(outcomeOf(value));
      return value;
    });
  }
  observe(outcomeOf(returned));
  return returned;
}

function outcomeOf(value: unknown): Outcome {
  if (isResult(value)) return value.isOk() ? { ok: true, value: value.value } : { ok: false, error: value.error };
  return { ok: true, value };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** A ResultAsync from another copy of neverthrow: thenable and chainable. */
function isResultAsyncLike(value: unknown): boolean {
  return isThenable(value) && typeof (value as { andThen?: unknown }).andThen === 'function';
}

function isResult(value: unknown): value is { isOk(): boolean; value?: unknown; error?: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { isOk?: unknown }).isOk === 'function' &&
    typeof (value as { isErr?: unknown }).isErr === 'function'
  );
}
