import * as v from 'valibot';
import { keyText } from '../shared/storable.js';

/** The day's item keeps a fixed-size hash of the id; the id itself is echoed in the task output. */
const MAX_JOB_ID_LENGTH = 256;

/**
 * The Step Functions task input of `increment-counter` and `reserve-quota`: `{ "job_id": "…" }`.
 * The id is used as given (not trimmed): it is an identity, and `" a"` is not `"a"`.
 */
export const JobIdInputSchema = v.object(
  {
    job_id: v.pipe(
      v.string('must be a string'),
      v.check((id) => id.trim() !== '', 'must not be empty'),
      v.maxLength(MAX_JOB_ID_LENGTH, `must be at most ${MAX_JOB_ID_LENGTH} characters`),
      ...keyText('job_id'),
    ),
  },
  (issue) => (issue.path ? 'is required' : 'must be an object with a job_id'),
);

export type JobIdInput = v.InferOutput<typeof JobIdInputSchema>;
