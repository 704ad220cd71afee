import * as v from 'valibot';
import { err, ok, safeTry, type Result } from 'neverthrow';
import { parseJobSource, type JobSource } from '../../domain/dispatch/JobSource.js';
import { invalidField, type InvalidInput } from '../../domain/shared/InvalidInput.js';
import { validate } from '../shared/validate.js';

/**
 * Job ids a caller may choose (body `job_id`, the `Idempotency-Key` header): printable, no
 * spaces or slashes, since they end up in S3 key prefixes and log fields.
 */
const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
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

export interface DispatchToEcsInput {
  /** The parsed body: `{ url, job_id? }`. */
  readonly request: unknown;
  /** The job id when the body names none: the Idempotency-Key header, the SQS message id, or a fresh uuid. */
  readonly defaultJobId: string;
  /** Where `defaultJobId` came from, for error messages (`Idempotency-Key`). */
  readonly defaultJobIdField?: string;
}

/** A request that passed every check: the job id it runs under, its source, and what the record keeps. */
export interface RequestedJob {
  readonly jobId: string;
  readonly source: JobSource;
  /** The validated body with the source's normalised URL. */
  readonly spec: DispatchRequest;
}

/**
 * Reads an untrusted dispatch request: the body's shape, the job id (the body's, else the
 * default, which must follow the same rule), and the source URL (scheme allow-list, no
 * credentials, no private hosts). Nothing of the raw request goes further than this.
 *
 * @example
 * readDispatchRequest({ request: { url: 'https://example.com/live' }, defaultJobId: 'msg-1' });
 * // ok({ jobId: 'msg-1', source: { kind: 'stream', url: 'https://example.com/live', … }, spec: { url: 'https://example.com/live' } })
 */
export function readDispatchRequest(input: DispatchToEcsInput): Result<RequestedJob, InvalidInput> {
  return safeTry(function* () {
    const request = yield* validate(DispatchRequestSchema, input.request);
    const jobId = yield* jobIdOf(request, input);
    const source = yield* parseJobSource(request.url);
    return ok({ jobId, source, spec: { ...request, url: source.url } });
  });
}

function jobIdOf(request: DispatchRequest, input: DispatchToEcsInput): Result<string, InvalidInput> {
  if (request.job_id !== undefined) return ok(request.job_id);
  if (JOB_ID_PATTERN.test(input.defaultJobId)) return ok(input.defaultJobId);
  return err(invalidField(input.defaultJobIdField ?? 'job_id', JOB_ID_RULE));
}
