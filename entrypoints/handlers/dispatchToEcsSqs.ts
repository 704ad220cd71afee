import type { SQSBatchResponse } from 'aws-lambda';
import type { DispatchToEcsError } from '../../application/dispatch/dispatchAnswer.js';
import type { DispatchToEcs } from '../../application/dispatch/DispatchToEcs.js';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import { describeFault } from './dispatchToEcsHttp.js';
import { messageJson, processBatch, reject, sqsMessagesOf, type Disposition, type SqsMessage } from './sqsBatch.js';

/** Messages of one batch dispatched at once (a standard queue); a FIFO queue goes one by one. */
const SQS_CONCURRENCY = 8;

/**
 * One SQS batch → `{ batchItemFailures }`, under the SQS policy of `sqsBatch.ts`: a message that
 * can never succeed (not JSON, bad URL, job id reused, torrents not enabled) is rejected and
 * reaches the dead-letter queue, where it stays for inspection; capacity and ECS faults are
 * retried. A launch ECS refused for good is acknowledged: the job is recorded `failed` with
 * ECS's reasons, and redelivery cannot change that.
 */
export async function dispatchSqs(
  event: unknown,
  useCase: DispatchToEcs,
  log: Log,
  metrics: Metrics,
): Promise<SQSBatchResponse> {
  const response = await processBatch(
    sqsMessagesOf(event, log),
    (message) => dispatchOne(message, useCase, log, metrics),
    log,
    SQS_CONCURRENCY,
  );
  metrics.count('SqsMessagesFailed', response.batchItemFailures.length);
  return response;
}

async function dispatchOne(message: SqsMessage, useCase: DispatchToEcs, log: Log, metrics: Metrics): Promise<Disposition> {
  const messageLog = log.with({ message_id: message.messageId, receive_count: message.receiveCount });
  const body = messageJson(message);
  if (!body.ok) return reject(message, body.reason, log, metrics);
  try {
    const result = await useCase.execute({ request: body.value, defaultJobId: message.messageId, defaultJobIdField: 'messageId' });
    if (result.isOk()) return 'done';
    const disposition = dispositionOf(result.error);
    return disposition === 'rejected' ? reject(message, reasonOf(result.error), log, metrics) : disposition;
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
      return 'rejected';
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
