import { err, ok, safeTry, type Result, type ResultAsync } from 'neverthrow';
import { DEFAULT_OUTPUT_URL_SECONDS, JOB_API_ID_PATTERN } from '../../domain/jobs/jobLimits.js';
import { invalidField, type InvalidInput } from '../../domain/shared/InvalidInput.js';
import { addSeconds, isoSeconds } from '../../domain/shared/time.js';
import type { JobNotFound } from '../ports/Jobs.js';
import type { Ports } from '../ports/Ports.js';
import { jobStatusView, type JobStatusView } from './JobStatusView.js';

export type GetJobStatusError = InvalidInput | JobNotFound;

export interface GetJobStatusSettings {
  /** How long the presigned GET link of a completed job's output is valid. */
  readonly urlSeconds: number;
}

/** What GetJobStatus is given: see {@link Ports} for the one name of each port. */
export type GetJobStatusDeps = Pick<Ports, 'jobs' | 'outputUrls' | 'clock'>;

/**
 * A job's status in the API's shape. A completed job's output gets a presigned GET link,
 * fresh on every call, valid for `urlSeconds`.
 *
 * @example
 * const r = await getJobStatus.execute({ jobId: event.pathParameters.jobId });
 * // ok({ jobId, status: 'completed', output: { url: 'https://…', urlExpiresAt: '…', s3Uri, … }, … })
 */
export class GetJobStatus {
  constructor(
    private readonly deps: GetJobStatusDeps,
    private readonly settings: GetJobStatusSettings = { urlSeconds: DEFAULT_OUTPUT_URL_SECONDS },
  ) {}

  execute(input: { readonly jobId: unknown }): ResultAsync<JobStatusView, GetJobStatusError> {
    const { jobs, outputUrls, clock } = this.deps;
    const { urlSeconds } = this.settings;
    return safeTry(async function* () {
      const jobId = yield* jobIdOf(input.jobId);
      const job = await jobs.get(jobId);
      if (job === undefined) return err({ type: 'JobNotFound' as const, jobId });
      if (job.status !== 'completed' || job.output === undefined) return ok(jobStatusView(job));
      const expiresAt = isoSeconds(addSeconds(clock.now(), urlSeconds));
      const url = await outputUrls.presign(job.output.s3Uri, urlSeconds);
      return ok(jobStatusView(job, url === undefined ? undefined : { url, expiresAt }));
    });
  }
}

function jobIdOf(jobId: unknown): Result<string, InvalidInput> {
  return typeof jobId === 'string' && JOB_API_ID_PATTERN.test(jobId)
    ? ok(jobId)
    : err(invalidField('jobId', 'must be a job id as submit-job returns it (1 to 128 letters, digits, "_", ".", ":" or "-")'));
}
