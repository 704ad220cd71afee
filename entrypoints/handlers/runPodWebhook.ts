import type { CompleteCallbackAnswer } from '../../application/callbacks/CompleteCallback.js';
import type { HandleRunPodWebhook, HandleRunPodWebhookError } from '../../application/runpod/HandleRunPodWebhook.js';
import type { Log } from '../../application/ports/Log.js';
import { errorResponse, json, parseHttpEvent, readJsonBody, type HttpResponse } from '../http/apiGateway.js';

/**
 * The webhook accepts what Lambda itself can receive (a 6 MB invocation payload). It does not
 * refuse smaller bodies for their size or depth: RunPod retries a refused delivery only
 * twice, so a 4xx for a large or deeply nested `output` would lose a real job's completion.
 * The body is parsed (V8's `JSON.parse` is iterative, any depth is safe), and an output too
 * large or too deep for Step Functions is replaced by a marker (see `successOutcome`).
 */
const MAX_WEBHOOK_BODY_BYTES = 6 * 1024 * 1024;

/**
 * API Gateway `POST /webhook/{callback_token}` (REST v1 or HTTP API v2) → HandleRunPodWebhook.
 * 200 resumed or a repeat of a finished callback; 202 accepted and stored, resume pending;
 * 400 malformed; 404 unknown token; 410 the task token is gone; 503 our own fault (RunPod retries).
 */
export function runPodWebhookHandler(useCase: HandleRunPodWebhook, log: Log): (event: unknown) => Promise<HttpResponse> {
  return async (event) => {
    const request = parseHttpEvent(event);
    if (!request) return errorResponse(400, 'BadRequest', 'expected an API Gateway proxy event');
    const requestId = request.requestId;
    const body = readJsonBody(request, MAX_WEBHOOK_BODY_BYTES);
    if (!body.ok) return body.response;
    const callbackToken = request.pathParameters['callback_token'] ?? request.path.split('/').filter(Boolean).at(-1);
    try {
      const result = await useCase.execute({ callbackToken, body: body.value });
      return result.match(answer, (error) => failure(error, requestId));
    } catch (fault) {
      log.error('Error processing webhook', { error: fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault) });
      return errorResponse(503, 'ServiceUnavailable', 'could not record the callback; retry', { requestId });
    }
  };
}

function answer(a: CompleteCallbackAnswer): HttpResponse {
  switch (a.type) {
    case 'Resumed':
      return json(200, { status: 'resumed', callback_status: a.mapping.status, job_id: a.mapping.jobId ?? null });
    case 'AlreadyFinished':
      return json(200, { status: 'already_completed', callback_status: a.mapping.status, job_id: a.mapping.jobId ?? null });
    case 'Deferred':
      return json(202, { status: 'accepted', callback_status: a.mapping.status, job_id: a.mapping.jobId ?? null });
  }
}

function failure(error: HandleRunPodWebhookError, requestId: string | undefined): HttpResponse {
  switch (error.type) {
    case 'InvalidInput':
      return errorResponse(400, 'InvalidRequest', 'invalid webhook', { details: error.issues, requestId });
    case 'CallbackNotFound':
      return errorResponse(404, 'CallbackNotFound', 'callback token not found', { requestId });
    case 'CallbackGone':
      return errorResponse(410, 'TaskTokenExpired', 'the workflow is no longer waiting for this callback', { requestId });
  }
}
