import * as v from 'valibot';

/**
 * Job ids a caller may choose (body `job_id`, the `Idempotency-Key` header): printable, no
 * spaces or slashes, since they end up in S3 key prefixes and log fields.
 */
export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
export const JOB_ID_RULE = 'must be 1-128 letters, digits, _ . : - (starting with a letter or digit)';

/** `POST /jobs` body and SQS message body alike: `{"url": "...", "job_id": "..."?}`. Other keys are ignored. */
export const DispatchRequestSchema = v.object(
  {
    url: v.pipe(v.string('must be a string'), v.trim(), v.nonEmpty('must not be empty')),
    job_id: v.optional(v.pipe(v.string('must be a string'), v.regex(JOB_ID_PATTERN, JOB_ID_RULE))),
  },
  // The object's own message covers both a body that is no object and a missing key.
  (issue) => (issue.expected === 'Object' ? 'the body must be a JSON object' : 'is required'),
);

export type DispatchRequest = v.InferOutput<typeof DispatchRequestSchema>;
