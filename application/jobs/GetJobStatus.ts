import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { DEFAULT_OUTPUT_URL_SECONDS, JOB_API_ID_PATTERN } from '../../domain/jobs/jobLimits.js';
import { invalidField, type InvalidInput } from '../../domain/shared/InvalidInput.js';
import { addSeconds, isoSeconds } from '../../domain/shared/time.js';
import type { Clock } from '../ports/Clock.js';
import type { JobNotFound, Jobs } from '../ports/Jobs.js';
import type { OutputUrls } from '../ports/OutputUrls.js';
import { jobStatusView, type JobStatusView } from './JobStatusView.js';

export type GetJobStatusError = InvalidInput | JobNotFound;

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
    private readonly jobs: Jobs,
    private readonly outputUrls: OutputUrls,
    private readonly clock: Clock,
    private readonly urlSeconds: number = DEFAULT_OUTPUT_URL_SECONDS,
  ) {}

  execute(input: { readonly jobId: unknown }): ResultAsync<JobStatusView, GetJobStatusError> {
    const { jobId } = input;
    if (typeof jobId !== 'string' || !JOB_API_ID_PATTERN.test(jobId)) {
      return errAsync(invalidField('jobId', 'must be a job id as submit-job returns it (1 to 128 letters, digits, "_", ".", ":" or "-")'));
    }
    return this.jobs.get(jobId).andThen((job) => {
      if (job === undefined) return errAsync<JobStatusView, GetJobStatusError>({ type: 'JobNotFound', jobId });
      if (job.status !== 'completed' || job.output === undefined) return okAsync(jobStatusView(job));
      const expiresAt = isoSeconds(addSeconds(this.clock.now(), this.urlSeconds));
      return this.outputUrls
        .presign(job.output.s3Uri, this.urlSeconds)
        .map((url) => jobStatusView(job, url === undefined ? undefined : { url, expiresAt }));
    });
  }
}
