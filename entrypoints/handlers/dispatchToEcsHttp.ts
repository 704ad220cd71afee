import type { DispatchToEcsAnswer, DispatchToEcsError } from '../../application/dispatch/dispatchAnswer.js';
import type { DispatchToEcs } from '../../application/dispatch/DispatchToEcs.js';
import type { Ids } from '../../application/ports/Ids.js';
import type { Log } from '../../application/ports/Log.js';
import type { Dispatch } from '../../domain/dispatch/Dispatch.js';
import { CORS_HEADERS, errorResponse, json, readJsonBody, type HttpRequest, type HttpResponse } from '../http/apiGateway.js';

/** A request is a URL and a job id: 64 KiB is room for both many times over. */
const MAX_DISPATCH_BODY_BYTES = 64 * 1024;

/** API Gateway (and direct-invocation) responses carry this when a client should come back later. */
const RETRY_AFTER_CAPACITY_SECONDS = '30';
const RETRY_AFTER_SHORT_SECONDS = '5';

/**
 * `POST /jobs` `{"url": …, "job_id"?: …}`, optional `Idempotency-Key` header (the job id when the
 * body names none; else a fresh UUID). 202 launched; 200 a repeat of a launched job; 400 bad
 * body, URL or key, or a torrent with no Transmission task definition; 409 the job id was used
 * for another URL, or the job is being launched right now; 502 ECS refused the launch (the job
 * is failed); 503 no capacity or ECS unreachable (retry with the same key: the job is kept).
 */
export async function dispatchHttp(
  request: HttpRequest,
  useCase: DispatchToEcs,
  ids: Ids,
  log: Log,
): Promise<HttpResponse> {
  const requestId = request.requestId;
  if (request.method === 'OPTIONS') return { statusCode: 204, headers: { ...CORS_HEADERS }, body: '' };
  if (request.method !== 'POST') {
    return withHeaders(errorResponse(405, 'MethodNotAllowed', 'use POST /jobs', { requestId }), { allow: 'POST, OPTIONS' });
  }
  const body = readJsonBody(request, MAX_DISPATCH_BODY_BYTES);
  if (!body.ok) return body.response;
  const key = request.headers['idempotency-key']?.trim();
  try {
    const result = await useCase.execute({
      request: body.value,
      defaultJobId: key || ids.uuid(),
      defaultJobIdField: 'Idempotency-Key',
    });
    return result.match(answer, (error) => failure(error, requestId));
  } catch (fault) {
    log.error('Error dispatching job', { error: describeFault(fault) });
    return withHeaders(
      errorResponse(503, 'ServiceUnavailable', 'could not record the job; retry with the same Idempotency-Key', { requestId }),
      { 'retry-after': RETRY_AFTER_SHORT_SECONDS },
    );
  }
}

/** The job as the API shows it (snake_case, as seed 004's service speaks). */
function dispatchView(d: Dispatch): Record<string, unknown> {
  return {
    job_id: d.job.jobId,
    status: d.job.status,
    task_arn: d.launch.taskArn ?? null,
    source_url: d.source.url,
    source_kind: d.source.kind,
    task_definition: d.target.taskDefinition,
    s3_bucket: d.target.bucket,
    s3_key_prefix: d.target.keyPrefix,
    submitted_at: d.job.submittedAt,
    updated_at: d.job.updatedAt,
  };
}

function answer(a: DispatchToEcsAnswer): HttpResponse {
  switch (a.type) {
    case 'Launched':
      return json(202, dispatchView(a.dispatch));
    case 'AlreadyLaunched':
      return json(200, dispatchView(a.dispatch));
  }
}

function failure(error: DispatchToEcsError, requestId: string | undefined): HttpResponse {
  switch (error.type) {
    case 'InvalidInput':
      return errorResponse(400, 'InvalidRequest', 'invalid job request', { details: error.issues, requestId });
    case 'TorrentsNotConfigured':
      return errorResponse(400, 'UnsupportedSource', 'torrent and magnet sources are not enabled on this service (TRANSMISSION_TASK_DEF is not set)', {
        details: { source_kind: error.source.kind },
        requestId,
      });
    case 'JobIdReused':
      return errorResponse(409, 'JobIdConflict', 'this job id (or Idempotency-Key) was already used for another URL', {
        details: { job_id: error.jobId },
        requestId,
      });
    case 'LaunchInProgress':
      return withHeaders(
        errorResponse(409, 'LaunchInProgress', 'this job is being launched by another request; retry shortly', {
          details: { job_id: error.dispatch.job.jobId },
          requestId,
        }),
        { 'retry-after': RETRY_AFTER_SHORT_SECONDS },
      );
    case 'CapacityUnavailable':
      return withHeaders(
        errorResponse(503, 'CapacityUnavailable', 'the ECS cluster has no room for the task now; retry later with the same job id', {
          details: { job_id: error.dispatch.job.jobId, reasons: error.reasons },
          requestId,
        }),
        { 'retry-after': RETRY_AFTER_CAPACITY_SECONDS },
      );
    case 'LaunchRejected':
      return errorResponse(502, 'LaunchRejected', 'ECS refused to launch the task; the job has failed', {
        details: { job_id: error.dispatch.job.jobId, reasons: error.reasons },
        requestId,
      });
    case 'LaunchOutcomeUnknown':
      return withHeaders(
        errorResponse(503, 'EcsUnavailable', 'ECS could not be reached; retry with the same job id', {
          details: { job_id: error.dispatch.job.jobId },
          requestId,
        }),
        { 'retry-after': RETRY_AFTER_SHORT_SECONDS },
      );
  }
}

function withHeaders(response: HttpResponse, headers: Record<string, string>): HttpResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

export function describeFault(fault: unknown): string {
  return fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault);
}
