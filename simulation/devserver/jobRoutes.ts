import type { SQSRecord } from 'aws-lambda';
import type { Jobs } from '../../application/ports/Jobs.js';
import { InMemoryJobQueue } from '../../adapters/memory/InMemoryJobQueue.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { InMemoryOutputUrls } from '../../adapters/memory/InMemoryOutputUrls.js';
import { JobApi, jobPortsModule, jobUseCasesModule } from '../../entrypoints/container/jobsModule.js';
import { newContainer } from '../../entrypoints/container/newContainer.js';
import { platformModule } from '../../entrypoints/container/platformModule.js';
import { getJobStatusHandler } from '../../entrypoints/handlers/getJobStatus.js';
import { submitJobHandler } from '../../entrypoints/handlers/submitJob.js';
import { updateJobStatusHandler } from '../../entrypoints/handlers/updateJobStatus.js';
import { errorResponse, json } from '../../entrypoints/http/apiGateway.js';
import type { DevContext, DevRoutes } from './DevContext.js';
import { RecordingJobs } from './recording/RecordingJobs.js';

/** A status report handed to update-job-status, and what became of it (the console's status queue). */
interface StatusReport {
  readonly messageId: string;
  readonly at: string;
  readonly jobId: string;
  readonly status: unknown;
  readonly applied: boolean;
  readonly statusAfter: string | null;
  readonly batchItemFailure: boolean;
}

/** Status reports kept for the console: enough to see the last few, never a growing log. */
const REPORTS_KEPT = 50;

const DEV_OUTPUT_BUCKET = 'dev-output';

/**
 * The job API of seed 002 on localhost: `POST /jobs` and `GET /jobs/{jobId}` served by the real
 * `submit-job` and `get-job-status` handlers. Submitted jobs wait in an in-memory queue
 * (`GET /dev/queue`); `POST /dev/jobs/{jobId}/status` plays a processor, handing
 * `{"status": "processing" | "completed" | "retrying" | "failed", …}` to the real
 * `update-job-status` handler as an SQS message, so a person can walk a job to its end.
 */
export function jobRoutes(ctx: DevContext, options: { readonly jobs?: Jobs } = {}): DevRoutes {
  const jobs = new RecordingJobs(options.jobs ?? new InMemoryJobs(), ctx.clock);
  const queue = new InMemoryJobQueue();
  const container = newContainer();
  container.load(
    platformModule({ clock: ctx.clock, ids: ctx.ids, log: ctx.log, metrics: ctx.metrics }),
    jobPortsModule({ jobs, queue, outputUrls: new InMemoryOutputUrls(DEV_OUTPUT_BUCKET) }),
    jobUseCasesModule(),
  );
  const submit = submitJobHandler(container.get(JobApi.SubmitJob), ctx.log);
  const status = getJobStatusHandler(container.get(JobApi.GetJobStatus), ctx.log);
  const update = updateJobStatusHandler(container.get(JobApi.UpdateJobStatus), ctx.log, ctx.metrics);
  let messages = 0;
  const reports: StatusReport[] = [];

  return {
    name: 'jobs',
    routes: [
      { routeKey: 'POST /jobs', handler: submit },
      { routeKey: 'GET /jobs/{jobId}', handler: status },
      { routeKey: 'GET /dev/queue', handler: async () => json(200, { messages: queue.messages }) },
      {
        routeKey: 'POST /dev/jobs/{jobId}/status',
        handler: async (event) => {
          const jobId = event.pathParameters?.jobId ?? '';
          let report: unknown;
          try {
            report = { ...(JSON.parse(event.body ?? '{}') as object), jobId };
          } catch {
            return errorResponse(400, 'InvalidJson', 'the body is not valid JSON');
          }
          messages += 1;
          const record: SQSRecord = {
            messageId: `dev-status-${messages}`,
            receiptHandle: `dev-status-${messages}`,
            body: JSON.stringify(report),
            attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'dev', ApproximateFirstReceiveTimestamp: String(Date.now()) },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:dev-job-status',
            awsRegion: 'us-east-1',
          };
          // A processor received the job's message before reporting on it.
          const queued = queue.messages.findIndex((m) => m.jobId === jobId);
          if (queued >= 0) queue.messages.splice(queued, 1);
          const before = await jobs.get(jobId);
          const result = await update({ Records: [record] });
          const after = await jobs.get(jobId);
          const applied = after !== undefined && after.version !== before?.version;
          reports.unshift({
            messageId: record.messageId,
            at: ctx.clock.now().toISOString(),
            jobId,
            status: (report as { status?: unknown }).status ?? null,
            applied,
            statusAfter: after?.status ?? null,
            batchItemFailure: result.batchItemFailures.length > 0,
          });
          reports.length = Math.min(reports.length, REPORTS_KEPT);
          return json(result.batchItemFailures.length === 0 ? 200 : 503, {
            applied: after?.status === (report as { status?: string }).status,
            status: after?.status ?? null,
            batchItemFailures: result.batchItemFailures,
          });
        },
      },
    ],
    state: async () => ({
      jobs: await Promise.all(
        jobs.history.ids().map(async (jobId) => {
          const job = await jobs.get(jobId);
          return {
            job_id: jobId,
            status: job?.status ?? null,
            version: job?.version ?? null,
            attempts: job?.attempts ?? null,
            submitted_at: job?.submittedAt ?? null,
            updated_at: job?.updatedAt ?? null,
            history: jobs.history.of(jobId),
          };
        }),
      ),
      queues: {
        jobs: { name: 'job queue (SQS_JOB_QUEUE_URL)', waiting: queue.messages.length, messages: queue.messages.slice(-REPORTS_KEPT) },
        status: { name: 'status reports (update-job-status)', delivered: messages, recent: reports },
      },
    }),
  };
}
