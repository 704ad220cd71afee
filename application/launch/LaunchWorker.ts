import * as v from 'valibot';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { planLaunch, type WorkerCredential, type WorkerLaunchSettings } from '../../domain/launch/RenderLaunch.js';
import { describeAttempts, type LaunchAttempt, type SpotCapacityExhausted } from '../../domain/launch/SpotCapacity.js';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { CallbackMappings } from '../ports/CallbackMappings.js';
import type { Clock } from '../ports/Clock.js';
import type { Ids } from '../ports/Ids.js';
import type { Log } from '../ports/Log.js';
import type { Metrics } from '../ports/Metrics.js';
import type { SpotInstances } from '../ports/SpotInstances.js';
import { ExecutionArnSchema } from '../shared/executionArn.js';
import { keyText } from '../shared/storable.js';
import { validate } from '../shared/validate.js';

/**
 * How the worker reports back. `callbacksTable` (the default): the task token is stored in
 * `mappings` (the callbacks table `tableName`) under a fresh callback token, which is all the
 * user-data carries. `taskTokenInUserData`: the seed's behaviour, the task token itself in
 * user-data (opt-in); nothing is stored.
 */
export type WorkerReportChannel =
  | { readonly kind: 'callbacksTable'; readonly tableName: string; readonly mappings: CallbackMappings }
  | { readonly kind: 'taskTokenInUserData' };

/** The Step Functions task input (seed 003): `{"job_id", "task_token"}`. */
export const LaunchWorkerInputSchema = v.object({
  job_id: v.pipe(
    v.string('must be a string'),
    v.minLength(1, 'must not be empty'),
    // EC2 tag values hold 256 characters; the Name tag adds the `baton-renderer-` prefix.
    v.maxLength(128, 'must be at most 128 characters'),
    v.regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters'),
    ...keyText('job_id'),
  ),
  task_token: v.pipe(
    v.string('must be a string'),
    v.minLength(1, 'must not be empty'),
    v.maxLength(1024, 'must be at most 1024 characters'),
    ...keyText('task_token'),
  ),
  /** `$$.Execution.Id`: tags the instance and the mapping, so the execution's end stops the worker. */
  execution_arn: v.optional(ExecutionArnSchema),
});

export interface LaunchedWorker {
  readonly jobId: string;
  readonly instanceId: string;
  readonly instanceType: string;
  readonly spotRequestId: string;
  /** The pools that refused before this one, in order. */
  readonly refusedAttempts: readonly LaunchAttempt[];
}

export type LaunchWorkerError = InvalidInput | SpotCapacityExhausted;

/**
 * Launches one Spot worker (renderer or uploader) for a pipeline job that waits with
 * `.waitForTaskToken`. The callback mapping is stored before the launch, so a worker that
 * boots and reports at once always finds it; the configured pools are tried in order, each
 * capacity refusal logged; when none has capacity, or an unknown fault interrupts, the unused
 * mapping is discarded.
 *
 * @example
 * const r = await launchWorker.execute({ job_id: 'job-abc123', task_token });
 * if (r.isOk()) console.log(r.value.instanceId);
 */
export class LaunchWorker {
  constructor(
    private readonly settings: WorkerLaunchSettings,
    private readonly channel: WorkerReportChannel,
    private readonly spot: SpotInstances,
    private readonly ids: Ids,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly metrics: Metrics,
  ) {}

  execute(input: unknown): ResultAsync<LaunchedWorker, LaunchWorkerError> {
    return validate(LaunchWorkerInputSchema, input).asyncAndThen(
      ({ job_id, task_token, execution_arn }) => new ResultAsync(this.launch(job_id, task_token, execution_arn)),
    );
  }

  private async launch(jobId: string, taskToken: string, executionArn?: string): Promise<Result<LaunchedWorker, LaunchWorkerError>> {
    const log = this.log.with({ job_id: jobId, role: this.settings.role });
    const credential = await this.credential(jobId, taskToken, executionArn);
    const discard = async () => {
      if (this.channel.kind === 'callbacksTable' && credential.kind === 'callback') {
        await this.channel.mappings.discardPending(credential.callbackToken);
      }
    };
    try {
      const plan = planLaunch(this.settings, jobId, credential, executionArn);
      if (plan.isErr()) {
        await discard();
        return err(plan.error);
      }
      const { placements, ...launch } = plan.value;
      const refused: LaunchAttempt[] = [];
      for (const placement of placements) {
        const launched = await this.spot.launch({
          amiId: launch.amiId,
          instanceType: placement.instanceType,
          subnetId: placement.subnetId,
          securityGroupIds: launch.securityGroupIds,
          iamInstanceProfile: launch.iamInstanceProfile,
          userData: launch.userData,
          tags: launch.tags,
          clientToken: this.ids.uuid(),
        });
        if (launched.isOk()) {
          const { instanceId, instanceType, spotRequestId } = launched.value;
          log.info('Spot instance launched', {
            instance_id: instanceId,
            instance_type: instanceType,
            subnet_id: placement.subnetId,
            spot_request_id: spotRequestId,
            attempt: refused.length + 1,
            credential: credential.kind,
          });
          this.metrics.count('WorkersLaunched');
          return ok({ jobId, instanceId, instanceType, spotRequestId, refusedAttempts: refused });
        }
        const attempt = { ...placement, code: launched.error.code, message: launched.error.message };
        refused.push(attempt);
        this.metrics.count('SpotCapacityRefusals');
        log.warn('Spot capacity unavailable, trying the next pool', {
          instance_type: attempt.instanceType,
          subnet_id: attempt.subnetId,
          code: attempt.code,
          error_message: attempt.message,
          attempt: refused.length,
          pools: placements.length,
        });
      }
      log.error('No Spot capacity in any configured pool', { attempts: describeAttempts(refused) });
      this.metrics.count('SpotCapacityExhausted');
      await discard();
      return err({ type: 'SpotCapacityExhausted', attempts: refused });
    } catch (fault) {
      await discard();
      throw fault;
    }
  }

  /** Stores the task token first (callbacks table), so the worker can never report before it exists. */
  private async credential(jobId: string, taskToken: string, executionArn?: string): Promise<WorkerCredential> {
    if (this.channel.kind === 'taskTokenInUserData') return { kind: 'taskToken', taskToken };
    const callbackToken = this.ids.secretToken();
    const created = await this.channel.mappings.create(
      newCallbackMapping({ callbackToken, taskToken, channel: 'worker', jobId, ...(executionArn ? { executionArn } : {}), now: this.clock.now() }),
    );
    // 256 random bits do not collide; a taken token means the Ids port is broken.
    if (created.isErr()) throw new Error('a fresh callback token was already taken');
    return { kind: 'callback', callbackToken, callbackTableName: this.channel.tableName };
  }
}
