import type { SQSBatchResponse } from 'aws-lambda';
import { pastSoftDeadline } from '../../adapters/shared/deadline.js';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';

/**
 * Baton's one policy for SQS-triggered handlers (`update-job-status`, `dispatch-to-ecs`), so a
 * message means the same thing to both. Each message ends in one of three ways:
 *
 * - `done`: applied, or answered in a way redelivery cannot change (a status report the job's
 *   status machine refuses, an unknown job, a launch ECS refused for good: each is recorded
 *   or logged). The message is deleted.
 * - `retry`: a transient fault (storage, ECS unreachable, no capacity, a job busy). Returned
 *   in `batchItemFailures`; SQS delivers it again after the visibility timeout.
 * - `rejected`: the message itself can never be processed: not JSON, not a valid request, or
 *   a value the store cannot hold. Logged once per delivery with its reasons (and a bounded
 *   excerpt of the body), counted as `SqsMessagesRejected`, and returned in
 *   `batchItemFailures`, so after the queue's `maxReceiveCount` its redrive policy moves it,
 *   whole, to the dead-letter queue (seed 004: "implements dead-letter queue"). Each
 *   redelivery is rejected the same way in microseconds; nothing is written meanwhile.
 *
 * On a FIFO queue, messages after a `retry` are returned unprocessed, so a group's order
 * holds; a `rejected` message does not hold them up, since it will never apply.
 * The handler never throws for a malformed event or record: a record without a message id
 * (only a hand-made event has one) cannot be named in the response and is logged and skipped.
 *
 * Why not Powertools' `BatchProcessor`: it knows two outcomes (success, or a thrown error that
 * it returns to the queue), so the `rejected` / `retry` distinction and the bounded log would
 * be ours anyway, and dispatch-to-ecs runs standard-queue messages concurrently.
 */
export type Disposition = 'done' | 'retry' | 'rejected';

/** One SQS message as the handlers read it: every field checked, whatever the event held. */
export interface SqsMessage {
  readonly messageId: string;
  /** `undefined` when the record's body was not a string. */
  readonly body: string | undefined;
  readonly receiveCount: number;
  readonly fifo: boolean;
}

/** The body's first characters in a log line: enough to recognise a message, never the whole of a large one. */
const BODY_EXCERPT_CHARS = 256;

/** The messages of an SQS event; anything that is not one yields none. */
export function sqsMessagesOf(event: unknown, log: Log): SqsMessage[] {
  const records = typeof event === 'object' && event !== null ? (event as { Records?: unknown }).Records : undefined;
  if (!Array.isArray(records)) {
    log.error('Unsupported event: expected an SQS batch ({"Records": [...]})');
    return [];
  }
  const messages: SqsMessage[] = [];
  let skipped = 0;
  for (const record of records as unknown[]) {
    const r = typeof record === 'object' && record !== null ? (record as Record<string, unknown>) : {};
    const messageId = r['messageId'];
    if (typeof messageId !== 'string' || messageId === '' || messageId.length > 256) {
      skipped++;
      continue;
    }
    const attributes = typeof r['attributes'] === 'object' && r['attributes'] !== null ? (r['attributes'] as Record<string, unknown>) : {};
    const arn = r['eventSourceARN'];
    // Number() of an array joins it, recursively: only a string or a number is read.
    const count = attributes['ApproximateReceiveCount'];
    const receiveCount = typeof count === 'string' || typeof count === 'number' ? Number(count) : 1;
    messages.push({
      messageId,
      body: typeof r['body'] === 'string' ? r['body'] : undefined,
      receiveCount: Number.isSafeInteger(receiveCount) ? receiveCount : 1,
      fifo: attributes['MessageGroupId'] !== undefined || (typeof arn === 'string' && arn.endsWith('.fifo')),
    });
  }
  if (skipped > 0) log.error('SQS records without a message id skipped', { skipped });
  return messages;
}

/** The message body as JSON, or the reason it is not. */
export function messageJson(message: SqsMessage): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (message.body === undefined) return { ok: false, reason: 'the record has no body' };
  try {
    return { ok: true, value: JSON.parse(message.body) as unknown };
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
}

/** Logs and counts a rejected message (see the policy above) and returns `'rejected'`. */
export function reject(message: SqsMessage, reasons: unknown, log: Log, metrics: Metrics): 'rejected' {
  metrics.count('SqsMessagesRejected');
  log.error('SQS message rejected; it will reach the dead-letter queue', {
    message_id: message.messageId,
    receive_count: message.receiveCount,
    reasons,
    body_excerpt: message.body?.slice(0, BODY_EXCERPT_CHARS),
    body_chars: message.body?.length,
  });
  return 'rejected';
}

/**
 * Runs `handle` over the batch under the policy above: standard queues `concurrency` at a
 * time, FIFO queues in order. A `handle` that throws counts as `retry` (and is logged): the
 * batch goes on.
 */
export async function processBatch(
  messages: readonly SqsMessage[],
  handle: (message: SqsMessage) => Promise<Disposition>,
  log: Log,
  concurrency = 1,
): Promise<SQSBatchResponse> {
  const failed = new Set<string>();
  const one = async (message: SqsMessage): Promise<Disposition> => {
    let disposition: Disposition;
    try {
      // Past the invocation's soft deadline nothing new starts: the message goes back untouched,
      // so the batch is answered before the function times out.
      disposition = pastSoftDeadline() ? 'retry' : await handle(message);
    } catch (fault) {
      log.error('Error processing SQS message; it will be retried', {
        message_id: message.messageId,
        error: fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault),
      });
      disposition = 'retry';
    }
    if (disposition !== 'done') failed.add(message.messageId);
    return disposition;
  };
  if (messages.some((m) => m.fifo)) {
    for (const [i, message] of messages.entries()) {
      if ((await one(message)) === 'retry') {
        for (const rest of messages.slice(i + 1)) failed.add(rest.messageId);
        break;
      }
    }
  } else {
    let next = 0;
    const worker = async () => {
      while (next < messages.length) await one(messages[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), messages.length) }, worker));
  }
  // In the batch's order, each id once (a hand-made batch may repeat one).
  const named = new Set<string>();
  const batchItemFailures = messages
    .filter((m) => failed.has(m.messageId) && !named.has(m.messageId) && named.add(m.messageId))
    .map((m) => ({ itemIdentifier: m.messageId }));
  return { batchItemFailures };
}
