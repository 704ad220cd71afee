import type { SubmitJob, SubmitJobError, SubmittedJob } from '../../application/jobs/SubmitJob.js';
import { jobStatusView } from '../../application/jobs/JobStatusView.js';
import type { Log } from '../../application/ports/Log.js';
import { CORS_HEADERS, errorResponse, json, parseHttpEvent, readJsonBody, type HttpResponse } from '../http/apiGateway.js';

/** Bodies above this are refused before parsing (the spec itself is limited to 200 KiB after validation). */
const MAX_SUBMIT_BODY_BYTES = 256 * 1024;

/**
 * API Gateway `POST /jobs` (REST v1 or HTTP API v2) → SubmitJob.
 * 202 submitted (queued); 200 the same job again for a repeated `Idempotency-Key`;
 * 400 malformed JSON or spec (field-level details); 413 body too large; 422 key reused for a
 * different spec; 503 our fault or the queue's (retry; with the same key if one was sent).
 */
export function submitJobHandler(useCase: SubmitJob, log: Log): (event: unknown) => Promise<HttpResponse> {
  return async (event) => {
    const request = parseHttpEvent(event);
    if (!request) return errorResponse(400, 'BadRequest', 'expected an API Gateway proxy event');
    if (request.method === 'OPTIONS') return { statusCode: 204, headers: { ...CORS_HEADERS }, body: '' };
    const requestId = request.requestId;
    const body = readJsonBody(request, MAX_SUBMIT_BODY_BYTES);
    if (!body.ok) return body.response;
    const idempotencyKey = request.headers['idempotency-key'];
    try {
      const result = await useCase.execute({ spec: body.value, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) });
      return result.match(accepted, (error) => refused(error, requestId));
    } catch (fault) {
      log.error('Error submitting job', { error: fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault) });
      return errorResponse(503, 'ServiceUnavailable', 'could not submit the job; retry', { requestId });
    }
  };
}

function accepted({ job, replayed }: SubmittedJob): HttpResponse {
  return replayed
    ? json(200, jobStatusView(job), { 'idempotent-replayed': 'true' })
    : json(202, jobStatusView(job), { location: `/jobs/${job.jobId}` });
}

function refused(error: SubmitJobError, requestId: string | undefined): HttpResponse {
  switch (error.type) {
    case 'InvalidInput':
      return errorResponse(400, 'ValidationError', 'the job spec is invalid', { details: error.issues, requestId });
    case 'JobSpecTooLarge':
      return errorResponse(413, 'PayloadTooLarge', `the job spec is ${error.bytes} bytes; at most ${error.limit} are accepted`, { requestId });
    case 'IdempotencyKeyReused':
      return errorResponse(422, 'IdempotencyKeyReused', 'this Idempotency-Key was used for a different job spec', {
        details: { jobId: error.jobId },
        requestId,
      });
    case 'JobNotQueued':
      return errorResponse(503, 'QueueUnavailable', 'the job could not be queued and was marked failed; retry', {
        details: { jobId: error.jobId },
        requestId,
      });
  }
}
