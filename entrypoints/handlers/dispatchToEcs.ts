import type { SQSBatchResponse } from 'aws-lambda';
import { nestingDepth } from '../../domain/shared/storableLimits.js';
import type { DispatchToEcs } from '../../application/dispatch/DispatchToEcs.js';
import type { Ids } from '../../application/ports/Ids.js';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import { errorResponse, parseHttpEvent, type HttpResponse } from '../http/apiGateway.js';
import { dispatchHttp } from './dispatchToEcsHttp.js';
import { dispatchSqs } from './dispatchToEcsSqs.js';

const MAX_DIRECT_DEPTH = 32;

/** Which trigger sent an event. */
export type DispatchEventKind = 'sqs' | 'http' | 'direct' | 'unknown';

/**
 * SQS events are `{ Records: [{ eventSource: 'aws:sqs', … }] }`; API Gateway proxy events (v1 or
 * v2) carry an HTTP method and path; a direct invocation (`aws lambda invoke --payload
 * '{"url": …}'`, as the seed's README does) is the job request itself.
 */
export function eventKind(event: unknown): DispatchEventKind {
  if (typeof event !== 'object' || event === null) return 'unknown';
  const records = (event as { Records?: unknown }).Records;
  if (Array.isArray(records)) {
    return records.length > 0 && records.every((r) => (r as { eventSource?: unknown })?.eventSource === 'aws:sqs')
      ? 'sqs'
      : 'unknown';
  }
  if (parseHttpEvent(event)) return 'http';
  if ('url' in event) return 'direct';
  return 'unknown';
}

/**
 * The `dispatch-to-ecs` handler: one function for both of seed 004's triggers. API Gateway
 * (`POST /jobs`) and direct invocations get an HTTP response; SQS batches get
 * `{ batchItemFailures }`.
 *
 * @example
 * export const handler = platform.wrap(dispatchToEcsHandler(useCase, new CryptoIds(), platform.log, platform.metrics));
 */
export function dispatchToEcsHandler(
  useCase: DispatchToEcs,
  ids: Ids,
  log: Log,
  metrics: Metrics,
): (event: unknown) => Promise<HttpResponse | SQSBatchResponse> {
  return async (event) => {
    switch (eventKind(event)) {
      case 'sqs':
        return dispatchSqs(event, useCase, log, metrics);
      case 'http':
        return dispatchHttp(parseHttpEvent(event)!, useCase, ids, log);
      case 'direct':
        // A direct invocation is re-serialised as a body: JSON.stringify recurses, so depth first.
        if (nestingDepth(event, MAX_DIRECT_DEPTH + 1) > MAX_DIRECT_DEPTH) {
          return errorResponse(400, 'InvalidRequest', `the event must not nest more than ${MAX_DIRECT_DEPTH} levels deep`);
        }
        return dispatchHttp(
          { method: 'POST', path: '/jobs', pathParameters: {}, headers: {}, body: JSON.stringify(event), requestId: undefined },
          useCase,
          ids,
          log,
        );
      case 'unknown':
        log.error('Unsupported event: expected an SQS batch, an API Gateway request or {"url": ...}');
        return errorResponse(400, 'UnsupportedEvent', 'expected an SQS batch, an API Gateway proxy request or {"url": ...}');
    }
  };
}
