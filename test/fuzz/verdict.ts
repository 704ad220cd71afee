import type { Trigger } from './fuzzedSystems.js';

/** Error names a Step Functions task may fail with: each is a named, documented outcome. */
const NAMED_TASK_ERRORS = new Set(['InvalidInput', 'RunPodRejected', 'CallbackTokenTaken', 'SpotCapacityExhausted', 'CleanupIncomplete']);

/** What an error body must never carry: ARNs, account ids, stack frames. */
const LEAK = /arn:aws|(?<![\w-])\d{12}(?![\w-])|\n\s+at /;

export type Outcome = { readonly kind: 'returned'; readonly value: unknown } | { readonly kind: 'threw'; readonly error: unknown };

/** Runs a handler and records how it ended, never letting it throw into the test. */
export async function outcomeOf(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { kind: 'returned', value: await run() };
  } catch (error) {
    return { kind: 'threw', error };
  }
}

/**
 * Why an outcome is wrong for its trigger, or `undefined` when it is fine:
 * - HTTP: a response with a 2xx/3xx/4xx status and a JSON (or empty) body with no ARN, account id or stack;
 * - Step Functions task: a value, or a TaskError with a name the state machine knows;
 * - SQS: `{ batchItemFailures }` naming only messages of the event;
 * - schedule: a value.
 * (dispatch-to-ecs answers HTTP and SQS alike: either shape is judged.)
 */
export function violation(trigger: Trigger, event: unknown, outcome: Outcome): string | undefined {
  if (outcome.kind === 'threw') {
    const e = outcome.error;
    const name = e instanceof Error ? e.name : typeof e;
    if (trigger === 'task' && NAMED_TASK_ERRORS.has(name)) return undefined;
    return `threw ${name}: ${e instanceof Error ? e.message.slice(0, 200) : String(e).slice(0, 200)}`;
  }
  const value = outcome.value as Record<string, unknown> | undefined;
  if (value !== null && typeof value === 'object' && 'batchItemFailures' in value) return sqsViolation(event, value);
  if (trigger === 'http') return httpViolation(value);
  if (trigger === 'sqs') return `not a batch response: ${JSON.stringify(value)?.slice(0, 200)}`;
  return undefined;
}

function httpViolation(response: Record<string, unknown> | undefined): string | undefined {
  const status = response?.['statusCode'];
  if (typeof status !== 'number' || !Number.isInteger(status)) return `no status code: ${JSON.stringify(response)?.slice(0, 200)}`;
  if (status >= 500) return `answered ${status}: ${String(response?.['body']).slice(0, 300)}`;
  const body = response?.['body'];
  if (typeof body !== 'string') return 'body is not a string';
  if (body !== '') {
    try {
      JSON.parse(body);
    } catch {
      return `body is not JSON: ${body.slice(0, 100)}`;
    }
  }
  if (status >= 400 && LEAK.test(body)) return `error body leaks infrastructure: ${body.slice(0, 300)}`;
  return undefined;
}

function sqsViolation(event: unknown, response: Record<string, unknown>): string | undefined {
  const failures = response['batchItemFailures'];
  if (!Array.isArray(failures)) return 'batchItemFailures is not an array';
  const records = (event as { Records?: unknown })?.Records;
  const ids = new Set(Array.isArray(records) ? records.map((r) => (r as { messageId?: unknown })?.messageId) : []);
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown })?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !ids.has(id)) return `batchItemFailures names ${JSON.stringify(id)}, not a message of the batch`;
  }
  return undefined;
}
