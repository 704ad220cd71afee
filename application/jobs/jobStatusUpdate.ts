import { err, ok, type Result } from 'neverthrow';
import * as v from 'valibot';
import type { JobChange } from '../../domain/jobs/Job.js';
import { JOB_API_ID_PATTERN } from '../../domain/jobs/jobLimits.js';
import { invalidInput, type InvalidInput } from '../../domain/shared/InvalidInput.js';
import { storableIssues, utf8Bytes } from '../../domain/shared/storableLimits.js';
import { validate } from '../shared/validate.js';
import type { UpdateJobStatusInput } from './UpdateJobStatus.js';

const jobError = v.object(
  {
    message: v.pipe(v.string('message must be a string'), v.minLength(1, 'message must not be empty'), v.maxLength(32_768)),
    type: v.optional(v.pipe(v.string('type must be a string'), v.maxLength(256))),
  },
  'error must be an object with a message',
);
const metadata = v.optional(v.record(v.string(), v.unknown(), 'metadata must be an object'));
const jobId = v.pipe(v.string('jobId must be a string'), v.regex(JOB_API_ID_PATTERN, 'jobId is not a job id'));
const attempt = v.optional(v.pipe(v.number('attempt must be a number'), v.integer('attempt must be an integer'), v.minValue(1, 'attempt must be at least 1')));

/**
 * A processor's status report as a message (the `update-job-status` SQS handler's body):
 * `{ jobId, status, output?, error?, metadata?, attempt? }`.
 */
export const JobStatusUpdateSchema = v.variant('status', [
  v.object({ jobId, status: v.literal('processing'), metadata }),
  v.object({
    jobId,
    status: v.literal('completed'),
    output: v.optional(
      v.object(
        {
          s3Uri: v.pipe(v.string('s3Uri must be a string'), v.minLength(1, 's3Uri must not be empty'), v.maxLength(2048)),
          duration: v.optional(v.pipe(v.number('duration must be a number of seconds'), v.minValue(0))),
          size: v.optional(v.pipe(v.number('size must be a number of bytes'), v.integer(), v.minValue(0))),
        },
        'output must be an object with s3Uri',
      ),
    ),
    metadata,
    attempt,
  }),
  v.object({ jobId, status: v.literal('retrying'), error: v.optional(jobError), metadata, attempt }),
  v.object({ jobId, status: v.literal('failed'), error: jobError, metadata, attempt }),
], 'status must be processing, completed, retrying or failed');

/**
 * A report read from outside: storable first (its `metadata` is stored as sent), then the
 * schema. `InvalidInput` names every problem.
 */
export function parseJobStatusUpdate(json: unknown): Result<v.InferOutput<typeof JobStatusUpdateSchema>, InvalidInput> {
  const unstorable = storableIssues('', json);
  if (unstorable.length > 0) return err(invalidInput(unstorable));
  return validate(JobStatusUpdateSchema, json).andThen((report) => {
    const bytes = report.metadata === undefined ? 0 : utf8Bytes(JSON.stringify(report.metadata));
    return bytes > MAX_REPORT_METADATA_BYTES
      ? err(invalidInput([{ field: 'metadata', message: `must be at most ${MAX_REPORT_METADATA_BYTES} bytes as JSON (it is ${bytes})` }]))
      : ok(report);
  });
}

/** Metadata is merged into the job's item (at most 400 KB, the spec already in it): one report adds at most this. */
const MAX_REPORT_METADATA_BYTES = 32 * 1024;

/** The use-case input a valid report means. */
export function toUpdateInput(report: v.InferOutput<typeof JobStatusUpdateSchema>): UpdateJobStatusInput {
  const { jobId: id, ...change } = report;
  return { jobId: id, change: change as JobChange };
}
