import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { JobStatusUpdateSchema, toUpdateInput } from '../../application/jobs/jobStatusUpdate.js';
import type { UpdateJobStatus } from '../../application/jobs/UpdateJobStatus.js';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import { validate } from '../../application/shared/validate.js';

/**
 * SQS → UpdateJobStatus, one status report per message (`{ jobId, status, output?, error?, metadata? }`).
 * Partial batch response: only messages that hit a transient fault (or a job too busy to
 * change) return to the queue. A report that can never apply — malformed, unknown job, or
 * refused by the status machine (e.g. `processing` after `completed`) — is logged and dropped,
 * since redelivering it would change nothing. On a FIFO queue, the messages after a failed one
 * are returned too, keeping each job's reports in order.
 * Enable `ReportBatchItemFailures` on the event source mapping.
 */
export function updateJobStatusHandler(
  useCase: UpdateJobStatus,
  log: Log,
  metrics: Metrics,
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records ?? []) {
      const fifo = record.attributes?.MessageGroupId !== undefined;
      if (fifo && batchItemFailures.length > 0) {
        batchItemFailures.push({ itemIdentifier: record.messageId });
        continue;
      }
      if (!(await handle(record.body, record.messageId))) batchItemFailures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures };
  };

  /** True when the message is done with (applied or dropped), false to have SQS deliver it again. */
  async function handle(body: string, messageId: string): Promise<boolean> {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      log.warn('Job status report dropped: not JSON', { message_id: messageId });
      metrics.count('JobStatusReportsDropped');
      return true;
    }
    const report = validate(JobStatusUpdateSchema, json);
    if (report.isErr()) {
      log.warn('Job status report dropped: invalid', { message_id: messageId, issues: report.error.issues });
      metrics.count('JobStatusReportsDropped');
      return true;
    }
    try {
      const result = await useCase.execute(toUpdateInput(report.value));
      if (result.isOk()) return true;
      switch (result.error.type) {
        case 'JobNotFound':
        case 'JobStatusRefused':
          log.warn('Job status report dropped', { message_id: messageId, job_id: report.value.jobId, reason: result.error.type });
          metrics.count('JobStatusReportsDropped');
          return true;
        case 'JobBusy':
          return false;
      }
    } catch (fault) {
      log.error('Error updating job status', {
        message_id: messageId,
        job_id: report.value.jobId,
        error: fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault),
      });
      return false;
    }
  }
}
