import { err, errAsync, ok, ResultAsync, type Result } from 'neverthrow';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { invalidField, type InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { CallbackMappings, CallbackTokenTaken } from '../ports/CallbackMappings.js';
import type { Clock } from '../ports/Clock.js';
import type { GpuJobRejected, GpuJobRequest, GpuJobs } from '../ports/GpuJobs.js';
import type { Ids } from '../ports/Ids.js';
import type { Log } from '../ports/Log.js';
import type { Metrics } from '../ports/Metrics.js';
import type { PresignedUrls } from '../ports/PresignedUrls.js';
import { validate } from '../shared/validate.js';
import { SubmitRunPodJobInputSchema } from './submitRunPodJobInput.js';

export interface SubmitRunPodJobSettings {
  /** `https://api.example.com/webhook/` — with or without the trailing slash. */
  readonly webhookBaseUrl: string;
  readonly defaultBucket?: string | undefined;
  readonly defaultPresignExpiresSecs: number;
  /** RunPod `policy` defaults (ms), so a job cannot outlive the Step Functions task waiting for it. */
  readonly defaultPolicy?: { readonly executionTimeout?: number | undefined; readonly ttl?: number | undefined };
}

/** Seed 000's output, exactly. */
export interface SubmitRunPodJobOutput {
  readonly callback_token: string;
  readonly job_id: string;
  readonly webhook_url: string;
  readonly segment_filename: string;
  readonly exec_id: string;
}

export type SubmitRunPodJobError = InvalidInput | GpuJobRejected | CallbackTokenTaken;

/** Joins base and token with exactly one slash. */
export function webhookUrl(base: string, callbackToken: string): string {
  return `${base.replace(/\/+$/, '')}/${callbackToken}`;
}

/**
 * Seed 000, without its lost-completion race: the mapping is stored PENDING *before* RunPod
 * hears of the job, so a webhook that beats RunPod's answer still finds it. Presigning goes
 * first because it has no side effects; a RunPod failure removes the PENDING mapping again.
 *
 * @example
 * const out = await submit.execute(stepFunctionsEvent); // ok({ callback_token, job_id, … })
 */
export class SubmitRunPodJob {
  constructor(
    private readonly mappings: CallbackMappings,
    private readonly urls: PresignedUrls,
    private readonly gpuJobs: GpuJobs,
    private readonly ids: Ids,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly metrics: Metrics,
    private readonly settings: SubmitRunPodJobSettings,
  ) {}

  execute(event: unknown): ResultAsync<SubmitRunPodJobOutput, SubmitRunPodJobError> {
    const parsed = validate(SubmitRunPodJobInputSchema, event);
    if (parsed.isErr()) return errAsync(parsed.error);
    const input = parsed.value;
    const bucket = input.bucket ?? this.settings.defaultBucket;
    if (bucket === undefined) return errAsync(invalidField('bucket', 'bucket is required (no BUCKET_NAME default is set)'));

    const log = this.log.with({ exec_id: input.exec_id, segment_filename: input.segment.filename });
    const callbackToken = this.ids.secretToken();
    const webhook = webhookUrl(this.settings.webhookBaseUrl, callbackToken);
    log.info('Generated callback token', { callback_token: callbackToken });
    log.info('Webhook URL', { webhook_url: webhook });

    return this.urls
      .forSegment({
        bucket,
        inputKey: input.segment.input_key,
        outputKey: input.segment.output_key,
        expiresSecs: input.presign_expires_secs ?? this.settings.defaultPresignExpiresSecs,
      })
      .andThen((urls) => {
        log.info('Presigned URLs generated successfully');
        const mapping = newCallbackMapping({
          callbackToken,
          taskToken: input.task_token,
          channel: 'runpod',
          execId: input.exec_id,
          ...(input.execution_arn === undefined ? {} : { executionArn: input.execution_arn }),
          segmentFilename: input.segment.filename,
          now: this.clock.now(),
        });
        const request: GpuJobRequest = {
          input: { input_presigned_url: urls.inputUrl, output_presigned_url: urls.outputUrl, params: input.params },
          webhook,
          ...policyOf(input.policy, this.settings.defaultPolicy),
        };
        return this.mappings.create(mapping).andThen(() => this.submit(callbackToken, request, log));
      })
      .andThen((jobId) => {
        log.info('RunPod job submitted successfully', { job_id: jobId });
        this.metrics.count('RunPodJobsSubmitted');
        return this.recordJobId(callbackToken, jobId, log).map(
          (): SubmitRunPodJobOutput => ({
            callback_token: callbackToken,
            job_id: jobId,
            webhook_url: webhook,
            segment_filename: input.segment.filename,
            exec_id: input.exec_id,
          }),
        );
      });
  }

  /** Submits; on any failure, thrown or returned, the PENDING mapping is removed before the failure goes on. */
  private submit(callbackToken: string, request: GpuJobRequest, log: Log): ResultAsync<string, GpuJobRejected> {
    const failed = async (error: string) => {
      log.error('Error submitting to RunPod', { error });
      this.metrics.count('RunPodSubmitFailures');
      await this.mappings.discardPending(callbackToken);
    };
    const attempt = async (): Promise<Result<string, GpuJobRejected>> => {
      let result: Result<{ readonly id: string }, GpuJobRejected>;
      try {
        result = await this.gpuJobs.submit(request);
      } catch (fault) {
        await failed(fault instanceof Error ? fault.message : String(fault));
        throw fault;
      }
      if (result.isErr()) {
        await failed(`${result.error.status} ${result.error.detail}`);
        return err(result.error);
      }
      return ok(result.value.id);
    };
    return new ResultAsync(attempt());
  }

  /**
   * The job id only helps tracing: the webhook works without it. So a failure here is
   * logged, not thrown — throwing would make Step Functions submit a second job.
   */
  private recordJobId(callbackToken: string, jobId: string, log: Log): ResultAsync<void, never> {
    const attempt = async (): Promise<Result<void, never>> => {
      try {
        const recorded = await this.mappings.recordJobId(callbackToken, jobId);
        if (recorded.isOk()) log.info('Callback mapping stored successfully', { job_id: jobId });
        else log.warn('Callback mapping vanished before the job id was recorded', { job_id: jobId });
      } catch (fault) {
        log.error('Could not record the RunPod job id', { job_id: jobId, error: String(fault) });
      }
      return ok(undefined);
    };
    return new ResultAsync(attempt());
  }
}

function policyOf(
  given: { executionTimeout?: number | undefined; ttl?: number | undefined } | undefined,
  defaults: SubmitRunPodJobSettings['defaultPolicy'],
): { policy?: GpuJobRequest['policy'] } {
  const executionTimeout = given?.executionTimeout ?? defaults?.executionTimeout;
  const ttl = given?.ttl ?? defaults?.ttl;
  if (executionTimeout === undefined && ttl === undefined) return {};
  return {
    policy: {
      ...(executionTimeout === undefined ? {} : { executionTimeout }),
      ...(ttl === undefined ? {} : { ttl }),
    },
  };
}
