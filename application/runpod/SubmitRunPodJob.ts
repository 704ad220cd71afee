import { err, ok, ResultAsync, safeTry, type Result } from 'neverthrow';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { invalidField, type InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { GpuJobNotSubmitted, GpuJobRejected, GpuJobRequest, GpuJobSubmitError } from '../ports/GpuJobs.js';
import type { Log } from '../ports/Log.js';
import type { Ports } from '../ports/Ports.js';
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

export type SubmitRunPodJobError = InvalidInput | GpuJobRejected | GpuJobNotSubmitted;

/** Domain separation for the callback token derived from a task token (see {@link SubmitRunPodJob}). */
const RUNPOD_CALLBACK_TOKEN_SCOPE = 'baton:runpod-callback:v1';

/** Joins base and token with exactly one slash. */
export function webhookUrl(base: string, callbackToken: string): string {
  return `${base.replace(/\/+$/, '')}/${callbackToken}`;
}

/** What SubmitRunPodJob is given: see {@link Ports} for the one name of each port. */
export type SubmitRunPodJobDeps = Pick<Ports, 'mappings' | 'presignedUrls' | 'gpuJobs' | 'ids' | 'clock' | 'log' | 'metrics'>;

/**
 * Seed 000, without its lost-completion race: the mapping is stored PENDING *before* RunPod
 * hears of the job, so a webhook that beats RunPod's answer still finds it. Presigning goes
 * first because it has no side effects.
 *
 * At most one RunPod job per task, however often the task is delivered: the callback token is
 * derived from the task token (`Ids.tokenFor`), so a repeated delivery of the same task finds
 * the mapping the first one stored and answers from it without posting again. What happens to
 * the mapping depends on what RunPod's answer proves:
 * - a job id: recorded; the task waits for the webhook.
 * - a refusal, or a request that surely never arrived: no job exists, the mapping is deleted
 *   and the task fails (`RunPodRejected` / `RunPodUnavailable`), so a retry starts clean.
 * - no answer (timeout, 5xx, the deadline): a job may exist and will report to this very
 *   callback token, so the mapping is kept and the task answered as submitted with an empty
 *   `job_id`. The webhook, or the reconciler for a job that never arrived, settles the task;
 *   the TTL removes what is left.
 *
 * @example
 * const out = await submit.execute(stepFunctionsEvent); // ok({ callback_token, job_id, … })
 */
export class SubmitRunPodJob {
  constructor(private readonly deps: SubmitRunPodJobDeps, private readonly settings: SubmitRunPodJobSettings) {}

  execute(event: unknown): ResultAsync<SubmitRunPodJobOutput, SubmitRunPodJobError> {
    const { presignedUrls, mappings, ids, clock, log: runLog } = this.deps;
    const { webhookBaseUrl, defaultBucket, defaultPresignExpiresSecs, defaultPolicy } = this.settings;
    const submit = (callbackToken: string, request: GpuJobRequest, log: Log) => new ResultAsync(this.submit(callbackToken, request, log));
    const repeated = (callbackToken: string, taskToken: string, log: Log) => this.repeated(callbackToken, taskToken, log);
    return safeTry(async function* () {
      const input = yield* validate(SubmitRunPodJobInputSchema, event);
      const bucket = yield* bucketOf(input.bucket ?? defaultBucket);
      const log = runLog.with({ exec_id: input.exec_id, segment_filename: input.segment.filename });
      const callbackToken = ids.tokenFor(RUNPOD_CALLBACK_TOKEN_SCOPE, input.task_token);
      const webhook = webhookUrl(webhookBaseUrl, callbackToken);
      log.info('Generated callback token', { callback_token: callbackToken });
      log.info('Webhook URL', { webhook_url: webhook });

      const urls = await presignedUrls.forSegment({
        bucket,
        inputKey: input.segment.input_key,
        outputKey: input.segment.output_key,
        expiresSecs: input.presign_expires_secs ?? defaultPresignExpiresSecs,
      });
      log.info('Presigned URLs generated successfully');
      const mapping = newCallbackMapping({
        callbackToken,
        taskToken: input.task_token,
        channel: 'runpod',
        execId: input.exec_id,
        ...(input.execution_arn === undefined ? {} : { executionArn: input.execution_arn }),
        segmentFilename: input.segment.filename,
        now: clock.now(),
      });
      const request: GpuJobRequest = {
        input: { input_presigned_url: urls.inputUrl, output_presigned_url: urls.outputUrl, params: input.params },
        webhook,
        ...policyOf(input.policy, defaultPolicy),
      };
      // The token is taken only by an earlier delivery of this very task: answer as it did.
      const created = await mappings.create(mapping);
      const jobId = created.isOk() ? yield* submit(callbackToken, request, log) : await repeated(callbackToken, input.task_token, log);
      return ok({
        callback_token: callbackToken,
        job_id: jobId,
        webhook_url: webhook,
        segment_filename: input.segment.filename,
        exec_id: input.exec_id,
      });
    });
  }

  /** A repeated delivery of the task: answer from the stored mapping, never post again. */
  private async repeated(callbackToken: string, taskToken: string, log: Log): Promise<string> {
    const existing = await this.deps.mappings.find(callbackToken);
    if (existing === undefined) throw new Error('the callback mapping vanished between create and read; retry');
    // A SHA-256 collision between two task tokens: not something to handle, something to see.
    if (existing.taskToken !== taskToken) throw new Error('the derived callback token belongs to another task');
    log.info('Task delivered again: answering from its mapping', { status: existing.status, job_id: existing.jobId });
    this.deps.metrics.count('RunPodSubmitsReplayed');
    return existing.jobId ?? '';
  }

  /**
   * Submits and settles the mapping by what the answer proves (see the class comment).
   * Resolves to the job id, `''` when RunPod's answer was lost.
   */
  private async submit(callbackToken: string, request: GpuJobRequest, log: Log): Promise<Result<string, SubmitRunPodJobError>> {
    const failed = async (error: string) => {
      log.error('Error submitting to RunPod', { error });
      this.deps.metrics.count('RunPodSubmitFailures');
      await this.deps.mappings.discardPending(callbackToken);
    };
    let result: Result<{ readonly id: string }, GpuJobSubmitError>;
    try {
      result = await this.deps.gpuJobs.submit(request);
    } catch (fault) {
      // Unknown: the job may exist. The mapping stays for its webhook (or the reconciler, or the TTL).
      log.error('Error submitting to RunPod; the mapping is kept', { error: fault instanceof Error ? fault.message : String(fault) });
      this.deps.metrics.count('RunPodSubmitFailures');
      throw fault;
    }
    if (result.isOk()) {
      const jobId = result.value.id;
      log.info('RunPod job submitted successfully', { job_id: jobId });
      this.deps.metrics.count('RunPodJobsSubmitted');
      await this.recordJobId(callbackToken, jobId, log);
      return ok(jobId);
    }
    const error = result.error;
    switch (error.type) {
      case 'GpuJobRejected':
        await failed(`${error.status} ${error.detail}`);
        return err(error);
      case 'GpuJobNotSubmitted':
        await failed(error.detail);
        return err(error);
      case 'GpuJobOutcomeUnknown':
        log.warn('RunPod did not answer; the job may exist, so the mapping is kept for its webhook', { error: error.detail });
        this.deps.metrics.count('RunPodSubmitsUnconfirmed');
        return ok('');
    }
  }

  /**
   * The job id only helps tracing: the webhook works without it. So a failure here is
   * logged, not thrown — throwing would make Step Functions submit a second job.
   */
  private async recordJobId(callbackToken: string, jobId: string, log: Log): Promise<void> {
    try {
      const recorded = await this.deps.mappings.recordJobId(callbackToken, jobId);
      if (recorded.isOk()) log.info('Callback mapping stored successfully', { job_id: jobId });
      else log.warn('Callback mapping vanished before the job id was recorded', { job_id: jobId });
    } catch (fault) {
      log.error('Could not record the RunPod job id', { job_id: jobId, error: String(fault) });
    }
  }
}

function bucketOf(bucket: string | undefined): Result<string, InvalidInput> {
  return bucket === undefined ? err(invalidField('bucket', 'bucket is required (no BUCKET_NAME default is set)')) : ok(bucket);
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
