import type { GetJobStatus, GetJobStatusError } from '../../application/jobs/GetJobStatus.js';
import type { Log } from '../../application/ports/Log.js';
import { CORS_HEADERS, errorResponse, json, lastPathSegment, parseHttpEvent, type HttpResponse } from '../http/apiGateway.js';

/**
 * API Gateway `GET /jobs/{jobId}` → GetJobStatus. 200 the seed's status shape; 400 malformed
 * id; 404 unknown id; 503 our own fault. Never cached: a status changes.
 */
export function getJobStatusHandler(useCase: GetJobStatus, log: Log): (event: unknown) => Promise<HttpResponse> {
  return async (event) => {
    const request = parseHttpEvent(event);
    if (!request) return errorResponse(400, 'BadRequest', 'expected an API Gateway proxy event');
    if (request.method === 'OPTIONS') return { statusCode: 204, headers: { ...CORS_HEADERS }, body: '' };
    const requestId = request.requestId;
    const jobId = request.pathParameters['jobId'] ?? lastPathSegment(request.path);
    if (jobId === undefined) {
      return errorResponse(400, 'InvalidJobId', 'the job id in the path is not valid percent-encoding', { requestId });
    }
    try {
      const result = await useCase.execute({ jobId });
      return result.match(
        (view) => json(200, view, { 'cache-control': 'no-store' }),
        (error) => refused(error, requestId),
      );
    } catch (fault) {
      log.error('Error reading job status', { job_id: jobId, error: fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault) });
      return errorResponse(503, 'ServiceUnavailable', 'could not read the job; retry', { requestId });
    }
  };
}

function refused(error: GetJobStatusError, requestId: string | undefined): HttpResponse {
  switch (error.type) {
    case 'InvalidInput':
      return errorResponse(400, 'InvalidJobId', 'the job id is malformed', { details: error.issues, requestId });
    case 'JobNotFound':
      return errorResponse(404, 'JobNotFound', `no job ${error.jobId}`, { requestId });
  }
}
