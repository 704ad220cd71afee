import * as v from 'valibot';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { planLaunch, type WorkerCredential, type WorkerLaunchSettings } from '../../domain/launch/RenderLaunch.js';
import { describeAttempts, type LaunchAttempt, type SpotCapacityExhausted } from '../../domain/launch/SpotCapacity.js';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { CallbackMappings } from '../ports/CallbackMappings.js';
import type { Ports } from '../ports/Ports.js';
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

/** Domain separation for the tokens derived from a task token (see {@link LaunchWorker}). */
export const WORKER_CALLBACK_TOKEN_SCOPE = 'baton:worker-callback:v1';
export const EC2_CLIENT_TOKEN_SCOPE = 'baton:ec2-launch:v1';

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

/** What LaunchWorker is given: see {@link Ports} for the one name of each port. */
export type LaunchWorkerDeps = Pick<
  Ports,
  'spotInstances' | 'ids' | 'clock' | 'log' | 'metrics'
> & {
  readonly reportChannel: WorkerReportChannel;
};

/**
 * Launches one Spot worker (renderer or uploader) for a pipeline job that waits with
 * `.waitForTaskToken`. The callback mapping is stored before the launch, so a worker that
 * boots and reports at once always finds it; the configured pools are tried in order, each
 * capacity refusal logged; when none has capacity the unused mapping is discarded.
 *
 * At most one instance per task, however often it is delivered: the EC2 client token of each
 * pool is derived from what identifies the work (role, task token, instance type, subnet), and
 * the callback token from role and task token. A repeated delivery finds the mapping, asks EC2
 * for an instance launched with any of the task's client tokens (the first answer may have
 * been lost in any pool), and adopts it; else it launches with the same tokens, and EC2 answers
 * a token it already launched with that instance. An unknown fault keeps the mapping: the
 * instance it may have started reports through it.
 *
 * @example
 * const r = await launchWorker.execute({ job_id: 'job-abc123', task_token });
 * if (r.isOk()) console.log(r.value.instanceId);
 */
export class LaunchWorker {
  constructor(private readonly deps: LaunchWorkerDeps, private readonly settings: WorkerLaunchSettings) {}

  execute(input: unknown): ResultAsync<LaunchedWorker, LaunchWorkerError> {
    return validate(LaunchWorkerInputSchema, input).asyncAndThen(
      ({ job_id, task_token, execution_arn }) => new ResultAsync(this.launch(job_id, task_token, execution_arn)),
    );
  }

  private async launch(jobId: string, taskToken: string, executionArn?: string): Promise<Result<LaunchedWorker, LaunchWorkerError>> {
    const role = this.settings.role;
    const log = this.deps.log.with({ job_id: jobId, role });
    const { credential, repeated } = await this.credential(jobId, taskToken, executionArn);
    // Only a definite "nothing launched" may remove the mapping; a fault may have launched an
    // instance that will report through it, so it stays (the TTL removes it otherwise).
    const discard = async () => {
      if (this.deps.reportChannel.kind === 'callbacksTable' && credential.kind === 'callback') {
        await this.deps.reportChannel.mappings.discardPending(credential.callbackToken);
      }
    };
    const plan = planLaunch(this.settings, jobId, credential, executionArn);
    if (plan.isErr()) {
      await discard();
      return err(plan.error);
    }
    const { placements, ...launch } = plan.value;
    const tokens = placements.map((p) => this.deps.ids.tokenFor(EC2_CLIENT_TOKEN_SCOPE, role, taskToken, p.instanceType, p.subnetId));
    if (repeated) {
      const found = await this.deps.spotInstances.findLaunched(tokens);
      if (found.isOk() && found.value !== undefined) {
        const { instanceId, instanceType, spotRequestId } = found.value;
        log.info('Task delivered again: its worker is already launched', { instance_id: instanceId, instance_type: instanceType });
        this.deps.metrics.count('WorkerLaunchesReplayed');
        return ok({ jobId, instanceId, instanceType, spotRequestId, refusedAttempts: [] });
      }
    }
    const refused: LaunchAttempt[] = [];
    for (const [i, placement] of placements.entries()) {
      const request = {
        amiId: launch.amiId,
        instanceType: placement.instanceType,
        subnetId: placement.subnetId,
        securityGroupIds: launch.securityGroupIds,
        iamInstanceProfile: launch.iamInstanceProfile,
        userData: launch.userData,
        tags: launch.tags,
        clientToken: tokens[i]!,
      };
      let launched: Awaited<ReturnType<SpotInstances['launch']>>;
      try {
        launched = await this.deps.spotInstances.launch(request);
      } catch (fault) {
        // The answer is lost, not necessarily the launch: ask EC2 by client token before giving up.
        const adopted = await this.deps.spotInstances.findLaunched([request.clientToken]).then(
          (found) => found.unwrapOr(undefined),
          () => undefined,
        );
        if (adopted === undefined) throw fault;
        log.warn('Launch answer lost; found the instance by its client token', { instance_id: adopted.instanceId });
        this.deps.metrics.count('WorkersLaunched');
        return ok({ jobId, ...adopted, refusedAttempts: refused });
      }
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
        this.deps.metrics.count('WorkersLaunched');
        return ok({ jobId, instanceId, instanceType, spotRequestId, refusedAttempts: refused });
      }
      const attempt = { ...placement, code: launched.error.code, message: launched.error.message };
      refused.push(attempt);
      this.deps.metrics.count('SpotCapacityRefusals');
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
    this.deps.metrics.count('SpotCapacityExhausted');
    await discard();
    return err({ type: 'SpotCapacityExhausted', attempts: refused });
  }

  /**
   * Stores the task token first (callbacks table), so the worker can never report before it
   * exists. The callback token is derived from the role and the task token: a repeated
   * delivery of the task finds the same mapping (`repeated`) and builds the same user-data, so
   * EC2's client tokens return the instance it may already have started.
   */
  private async credential(
    jobId: string,
    taskToken: string,
    executionArn?: string,
  ): Promise<{ credential: WorkerCredential; repeated: boolean }> {
    if (this.deps.reportChannel.kind === 'taskTokenInUserData') return { credential: { kind: 'taskToken', taskToken }, repeated: true };
    const callbackToken = this.deps.ids.tokenFor(WORKER_CALLBACK_TOKEN_SCOPE, this.settings.role, taskToken);
    const credential: WorkerCredential = { kind: 'callback', callbackToken, callbackTableName: this.deps.reportChannel.tableName };
    const created = await this.deps.reportChannel.mappings.create(
      newCallbackMapping({ callbackToken, taskToken, channel: 'worker', jobId, ...(executionArn ? { executionArn } : {}), now: this.deps.clock.now() }),
    );
    if (created.isOk()) return { credential, repeated: false };
    const existing = await this.deps.reportChannel.mappings.find(callbackToken);
    // A SHA-256 collision between two task tokens: not something to handle, something to see.
    if (existing !== undefined && existing.taskToken !== taskToken) {
      throw new Error('the derived callback token belongs to another task');
    }
    return { credential, repeated: true };
  }
}
