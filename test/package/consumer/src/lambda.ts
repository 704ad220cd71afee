// baton/lambda: Baton's handler factories mounted in a service's own Lambda.
import { GetJobStatus, SubmitJob } from 'baton';
import { getJobStatusHandler, submitJobHandler, type HttpResponse } from 'baton/lambda';
import { InMemoryJobQueue, InMemoryJobs, InMemoryMetrics, InMemoryOutputUrls, ManualClock, RecordingLog, SequentialIds } from 'baton/testing';

const jobs = new InMemoryJobs();
const clock = new ManualClock('2026-01-06T12:00:00Z');
const [log, metrics] = [new RecordingLog(), new InMemoryMetrics()];
const submitJob = new SubmitJob({ jobs, queue: new InMemoryJobQueue(), ids: new SequentialIds(), clock, log, metrics });

/** What a service exports from its Lambda module. */
export const submit: (event: unknown) => Promise<HttpResponse> = submitJobHandler(submitJob, log);
export const status: (event: unknown) => Promise<HttpResponse> = getJobStatusHandler(new GetJobStatus({ jobs, outputUrls: new InMemoryOutputUrls('video-outputs'), clock }), log);

export async function main(): Promise<{ submitted: number; found: number; missing: number }> {
  const http = (method: string, path: string, body?: unknown) => ({
    version: '2.0',
    rawPath: path,
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method, path }, requestId: 'req-1' },
    pathParameters: path.startsWith('/jobs/') ? { jobId: path.slice('/jobs/'.length) } : undefined,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const submitted = await submit(http('POST', '/jobs', { jobInfo: { projectId: 'example' }, output: { filename: 'video.mp4' } }));
  const { jobId } = JSON.parse(submitted.body) as { jobId: string };
  const found = await status(http('GET', `/jobs/${jobId}`));
  const missing = await status(http('GET', '/jobs/no-such-job'));
  return { submitted: submitted.statusCode, found: found.statusCode, missing: missing.statusCode };
}
