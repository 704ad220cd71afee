import type { SQSBatchResponse } from 'aws-lambda';
import { parseJobStatusUpdate, toUpdateInput } from '../../application/jobs/jobStatusUpdate.js';
import type { UpdateJobStatus } from '../../application/jobs/UpdateJobStatus.js';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import { messageJson, processBatch, reject, sqsMessagesOf, type Disposition, type SqsMessage } from './sqsBatch.js';

/**
 * SQS → UpdateJobStatus, one status report per message (`{ jobId, status, output?, error?, metadata? }`),
 * under the SQS policy of `sqsBatch.ts`. Partial batch response: messages that hit a
 * transient fault (or a job too busy to change) return to the queue; a malformed or
 * unstorable report is rejected (to the dead-letter queue); a report that overtook one still on
 * the way (a `retrying` before its attempt's `processing`) returns to the queue until it applies;
 * a valid report that can never apply — unknown job, or refused for good by the status machine
 * (e.g. `processing` after `completed`) — is logged and dropped, since redelivering it would
 * change nothing. A completion is never refused for arriving early (the transition table takes
 * it from any non-final status). On a FIFO queue, the messages after a retried one are returned
 * too, keeping each job's reports in order. Messages not started by the invocation's soft
 * deadline are returned untried (`sqsBatch.ts`).
 * Enable `ReportBatchItemFailures` on the event source mapping.
 */
export function updateJobStatusHandler(
  useCase: UpdateJobStatus,
  log: Log,
  metrics: Metrics,
): (event: unknown) => Promise<SQSBatchResponse> {
  return async (event) => processBatch(sqsMessagesOf(event, log), handle, log);

  function dropped(messageId: string, jobId: string, reason: string): Disposition {
    log.warn('Job status report dropped', { message_id: messageId, job_id: jobId, reason });
    metrics.count('JobStatusReportsDropped');
    return 'done';
  }

  async function handle(message: SqsMessage): Promise<Disposition> {
    const messageId = message.messageId;
    const json = messageJson(message);
    if (!json.ok) return reject(message, json.reason, log, metrics);
    const report = parseJobStatusUpdate(json.value);
    if (report.isErr()) return reject(message, report.error.issues, log, metrics);
    try {
      const result = await useCase.execute(toUpdateInput(report.value));
      if (result.isOk()) return 'done';
      switch (result.error.type) {
        case 'JobStatusRefused':
          if (result.error.mayApplyLater) {
            log.info('Job status report not applicable yet; it will be delivered again', {
              message_id: messageId,
              job_id: report.value.jobId,
              status: result.error.current.status,
            });
            metrics.count('JobStatusReportsDeferred');
            return 'retry';
          }
          return dropped(messageId, report.value.jobId, result.error.type);
        case 'JobNotFound':
          return dropped(messageId, report.value.jobId, result.error.type);
        case 'JobBusy':
          return 'retry';
      }
    } catch (fault) {
      log.error('Error updating job status', {
        message_id: messageId,
        job_id: report.value.jobId,
        error: fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault),
      });
      return 'retry';
    }
  }
}
