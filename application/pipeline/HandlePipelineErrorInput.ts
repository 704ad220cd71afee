import * as v from 'valibot';
import { keyText, repairedText } from '../shared/storable.js';

const optionalText = v.optional(v.pipe(v.string(), v.maxLength(262_144)));

/**
 * seed 003's handle-error input: what a Catch passes (`ResultPath: "$.error"`) plus the
 * failed state's name and the execution id, which the state machine adds in `Parameters`.
 */
export const HandlePipelineErrorInputSchema = v.object(
  {
    job_id: v.pipe(
      v.string('job_id must be a string'),
      v.trim(),
      v.minLength(1, 'job_id must not be empty'),
      v.maxLength(1024, 'job_id must be at most 1024 characters'),
      v.check((s) => !s.includes('#'), 'job_id must not contain "#"'),
      ...keyText('job_id'),
    ),
    error: v.optional(
      v.object({ Error: optionalText, Cause: optionalText }, 'error must be an object with Error and Cause'),
      {},
    ),
    state: v.optional(v.pipe(v.string('state must be a string'), v.maxLength(256), repairedText), 'unknown'),
    execution_id: v.optional(v.pipe(v.string('execution_id must be a string'), v.maxLength(2048), repairedText)),
  },
  // valibot reports a missing key with the object's message.
  (issue) => (issue.received === 'undefined' && issue.expected === '"job_id"' ? 'job_id is required' : 'the input must be an object'),
);

export type HandlePipelineErrorInput = v.InferInput<typeof HandlePipelineErrorInputSchema>;

/** seed 003's output. `status` is the job's status afterwards: `completed` if the job had finished before the error arrived. */
export interface HandlePipelineErrorOutput {
  readonly job_id: string;
  readonly status: 'failed' | 'completed';
  readonly error_logged: true;
}
