import * as v from 'valibot';
import { err, ok, ResultAsync, safeTry, type Result } from 'neverthrow';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { planLaunch, type RenderLaunch, type WorkerCredential, type WorkerLaunchSettings } from '../../domain/launch/RenderLaunch.js';
import { describeAttempts, type LaunchAttempt, type SpotCapacityExhausted } from '../../domain/launch/SpotCapacity.js';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { CallbackMappings } from '../ports/CallbackMappings.js';
import type { Ports } from '../ports/Ports.js';
import type { LaunchedInstance, SpotCapacityUnavailable, SpotLaunchRequest } from '../ports/SpotInstances.js';
import type { Log } from '../ports/Log.js';
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
const EC2_CLIENT_TOKEN_SCOPE = 'baton:ec2-launch:v1';

/** The Step Functions task input (seed 003): `{"job_id", "task_token"}`. */
const LaunchWorkerInputSchema = v.object({
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
    const { spotInstances, ids, metrics } = this.deps;
    const settings = this.settings;
    const rootLog = this.deps.log;
    const credentialFor = (taskToken: string) => this.credentialFor(taskToken);
    const store = (credential: WorkerCredential, jobId: string, taskToken: string, executionArn?: string) =>
      this.store(credential, jobId, taskToken, executionArn);
    const launchInPools = (jobId: string, credential: WorkerCredential, plan: RenderLaunch, tokens: readonly string[], log: Log) =>
      new ResultAsync(this.launchInPools(jobId, credential, plan, tokens, log));
    return safeTry(async function* () {
      const { job_id: jobId, task_token: taskToken, execution_arn: executionArn } = yield* validate(LaunchWorkerInputSchema, input);
      const log = rootLog.with({ job_id: jobId, role: settings.role });
      // Planned before anything is stored: a launch that cannot be planned leaves nothing behind.
      const credential = credentialFor(taskToken);
      const plan = yield* planLaunch(settings, jobId, credential, executionArn);
      const tokens = plan.placements.map((p) => ids.tokenFor(EC2_CLIENT_TOKEN_SCOPE, settings.role, taskToken, p.instanceType, p.subnetId));
      const repeated = await store(credential, jobId, taskToken, executionArn);
      const earlier = repeated ? await spotInstances.findLaunched(tokens) : undefined;
      if (earlier !== undefined) {
        const { instanceId, instanceType, spotRequestId } = earlier;
        log.info('Task delivered again: its worker is already launched', { instance_id: instanceId, instance_type: instanceType });
        metrics.count('WorkerLaunchesReplayed');
        return ok({ jobId, instanceId, instanceType, spotRequestId, refusedAttempts: [] });
      }
      return ok(yield* launchInPools(jobId, credential, plan, tokens, log));
    });
  }

  /**
   * Tries the pools in order until one has capacity. When none has, the unused mapping is
   * discarded; an unknown fault keeps it, since the instance it may have started reports
   * through it (the TTL removes it otherwise).
   */
  private async launchInPools(
    jobId: string,
    credential: WorkerCredential,
    plan: RenderLaunch,
    tokens: readonly string[],
    log: Log,
  ): Promise<Result<LaunchedWorker, SpotCapacityExhausted>> {
    const { spotInstances, metrics } = this.deps;
    const { placements, ...launch } = plan;
    const refused: LaunchAttempt[] = [];
    for (const [i, placement] of placements.entries()) {
      const request: SpotLaunchRequest = {
        amiId: launch.amiId,
        instanceType: placement.instanceType,
        subnetId: placement.subnetId,
        securityGroupIds: launch.securityGroupIds,
        iamInstanceProfile: launch.iamInstanceProfile,
        userData: launch.userData,
        tags: launch.tags,
        clientToken: tokens[i]!,
      };
      let launched: Result<LaunchedInstance, SpotCapacityUnavailable>;
      try {
        launched = await spotInstances.launch(request);
      } catch (fault) {
        // The answer is lost, not necessarily the launch: ask EC2 by client token before giving up.
        const adopted = await spotInstances.findLaunched([request.clientToken]).catch(() => undefined);
        if (adopted === undefined) throw fault;
        log.warn('Launch answer lost; found the instance by its client token', { instance_id: adopted.instanceId });
        metrics.count('WorkersLaunched');
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
        metrics.count('WorkersLaunched');
        return ok({ jobId, instanceId, instanceType, spotRequestId, refusedAttempts: refused });
      }
      const attempt = { ...placement, code: launched.error.code, message: launched.error.message };
      refused.push(attempt);
      metrics.count('SpotCapacityRefusals');
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
    metrics.count('SpotCapacityExhausted');
    // A definite "nothing launched": only now may the mapping go.
    if (this.deps.reportChannel.kind === 'callbacksTable' && credential.kind === 'callback') {
      await this.deps.reportChannel.mappings.discardPending(credential.callbackToken);
    }
    return err({ type: 'SpotCapacityExhausted', attempts: refused });
  }

  /**
   * What the worker reports with. The callback token is derived from the role and the task
   * token: a repeated delivery of the task builds the same user-data, so EC2's client tokens
   * return the instance it may already have started.
   */
  private credentialFor(taskToken: string): WorkerCredential {
    const channel = this.deps.reportChannel;
    if (channel.kind === 'taskTokenInUserData') return { kind: 'taskToken', taskToken };
    const callbackToken = this.deps.ids.tokenFor(WORKER_CALLBACK_TOKEN_SCOPE, this.settings.role, taskToken);
    return { kind: 'callback', callbackToken, callbackTableName: channel.tableName };
  }

  /**
   * Stores the task token under the callback token (callbacks table) before the launch, so
   * the worker can never report before it exists. True when an earlier delivery of the task
   * stored it already (and may have launched): always so with the task token in user-data,
   * where nothing is stored.
   */
  private async store(credential: WorkerCredential, jobId: string, taskToken: string, executionArn?: string): Promise<boolean> {
    const channel = this.deps.reportChannel;
    if (channel.kind === 'taskTokenInUserData' || credential.kind !== 'callback') return true;
    const { callbackToken } = credential;
    const created = await channel.mappings.create(
      newCallbackMapping({ callbackToken, taskToken, channel: 'worker', jobId, ...(executionArn ? { executionArn } : {}), now: this.deps.clock.now() }),
    );
    if (created.isOk()) return false;
    const existing = await channel.mappings.find(callbackToken);
    // A SHA-256 collision between two task tokens: not something to handle, something to see.
    if (existing !== undefined && existing.taskToken !== taskToken) {
      throw new Error('the derived callback token belongs to another task');
    }
    return true;
  }
}
