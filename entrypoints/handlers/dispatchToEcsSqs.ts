import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { DispatchToEcs, DispatchToEcsError } from '../../application/dispatch/DispatchToEcs.js';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import { describeFault } from './dispatchToEcsHttp.js';

/** Messages of one batch dispatched at once (a standard queue); a FIFO queue goes one by one. */
export const SQS_CONCURRENCY = 8;

/** What became of one message. `retry` and `poison` return it to the queue; only `poison` can never succeed. */
type Disposition = 'done' | 'retry' | 'poison';

/**
 * One SQS batch → `{ batchItemFailures }`: only messages that failed return to the queue.
 * A message that can never succeed (not JSON, bad URL, job id reused, torrents not enabled) is
 * reported failed too, not dropped: after the queue's `maxReceiveCount` the redrive policy moves
 * it to the dead-letter queue, where it stays for inspection. A launch ECS refused for good is
 * acknowledged: the job is recorded `failed` with ECS's reasons, and redelivery cannot change
 * that. On a FIFO queue, processing stops at the first failure and the rest of the batch is
 * returned, so message order within a group holds.
 */
export async function dispatchSqs(
  records: readonly SQSRecord[],
  useCase: DispatchToEcs,
  log: Log,
  metrics: Metrics,
): Promise<SQSBatchResponse> {
  const fifo = records[0]?.eventSourceARN?.endsWith('.fifo') ?? false;
  const failed: string[] = [];
  const one = async (record: SQSRecord) => {
    const disposition = await dispatchOne(record, useCase, log, metrics);
    if (disposition !== 'done') failed.push(record.messageId);
    return disposition;
  };
  if (fifo) {
    for (const [i, record] of records.entries()) {
      if ((await one(record)) !== 'done') {
        failed.push(...records.slice(i + 1).map((r) => r.messageId));
        break;
      }
    }
  } else {
    let next = 0;
    const worker = async () => {
      while (next < records.length) await one(records[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(SQS_CONCURRENCY, records.length) }, worker));
  }
  metrics.count('SqsMessagesFailed', failed.length);
  const order = new Map(records.map((r, i) => [r.messageId, i]));
  failed.sort((a, b) => order.get(a)! - order.get(b)!);
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

async function dispatchOne(record: SQSRecord, useCase: DispatchToEcs, log: Log, metrics: Metrics): Promise<Disposition> {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  const messageLog = log.with({ message_id: record.messageId, receive_count: receiveCount });
  let body: unknown;
  try {
    body = JSON.parse(record.body) as unknown;
  } catch {
    metrics.count('SqsPoisonMessages');
    messageLog.error('Invalid SQS message: body is not JSON; it will reach the dead-letter queue');
    return 'poison';
  }
  try {
    const result = await useCase.execute({ request: body, defaultJobId: record.messageId, defaultJobIdField: 'messageId' });
    if (result.isOk()) return 'done';
    const disposition = dispositionOf(result.error);
    if (disposition === 'poison') {
      metrics.count('SqsPoisonMessages');
      messageLog.error('Invalid SQS message; it will reach the dead-letter queue', { reason: reasonOf(result.error) });
    }
    return disposition;
  } catch (fault) {
    messageLog.error('Error dispatching job from SQS; the message will be retried', { error: describeFault(fault) });
    return 'retry';
  }
}

function dispositionOf(error: DispatchToEcsError): Disposition {
  switch (error.type) {
    case 'InvalidInput':
    case 'TorrentsNotConfigured':
    case 'JobIdReused':
      return 'poison';
    case 'LaunchInProgress':
    case 'CapacityUnavailable':
    case 'LaunchOutcomeUnknown':
      return 'retry';
    case 'LaunchRejected':
      return 'done';
  }
}

function reasonOf(error: DispatchToEcsError): unknown {
  return error.type === 'InvalidInput' ? error.issues : error.type;
}
