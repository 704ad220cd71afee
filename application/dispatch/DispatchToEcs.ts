import { err, ok, ResultAsync, type Result } from 'neverthrow';
import {
  claim,
  deferred,
  keyPrefixFor,
  launched,
  launchKey,
  newDispatch,
  rejected,
  released,
  type Dispatch,
  type DispatchTarget,
} from '../../domain/dispatch/Dispatch.js';
import { parseJobSource, type JobSource } from '../../domain/dispatch/JobSource.js';
import { invalidField, type InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { TaskPlacementFailure } from '../ports/ContainerTasks.js';
import type { Log } from '../ports/Log.js';
import type { Ports } from '../ports/Ports.js';
import { validate } from '../shared/validate.js';
import { DispatchRequestSchema, JOB_ID_PATTERN, JOB_ID_RULE } from './dispatchRequest.js';

/** Where jobs run; from the handler's configuration. */
export interface DispatchSettings {
  readonly taskDefinition: string;
  readonly containerName: string;
  /** Torrent and magnet sources go here; unset, they are refused. */
  readonly transmissionTaskDefinition?: string;
  /** The Transmission task's container; defaults to `containerName`. */
  readonly transmissionContainerName?: string;
  readonly bucket: string;
  readonly ttlDays: number;
  /** How long one delivery holds the right to launch; longer than the function's timeout. */
  readonly leaseSeconds: number;
}

export interface DispatchToEcsInput {
  /** The parsed body: `{ url, job_id? }`. */
  readonly request: unknown;
  /** The job id when the body names none: the Idempotency-Key header, the SQS message id, or a fresh uuid. */
  readonly defaultJobId: string;
  /** Where `defaultJobId` came from, for error messages (`Idempotency-Key`). */
  readonly defaultJobIdField?: string;
}

export type DispatchToEcsAnswer =
  /** This call launched the task. */
  | { readonly type: 'Launched'; readonly dispatch: Dispatch }
  /** A repeat of a job whose task was already launched: nothing new started. */
  | { readonly type: 'AlreadyLaunched'; readonly dispatch: Dispatch };

/** A torrent or magnet source, and no Transmission task definition is configured. */
export interface TorrentsNotConfigured {
  readonly type: 'TorrentsNotConfigured';
  readonly source: JobSource;
}

/** The job id was used before for another source. */
export interface JobIdReused {
  readonly type: 'JobIdReused';
  readonly jobId: string;
  readonly current: Dispatch;
}

/** Another delivery of this job is launching it right now. */
export interface LaunchInProgress {
  readonly type: 'LaunchInProgress';
  readonly dispatch: Dispatch;
}

/** ECS had no room; nothing started, the job stays `submitted` and a later delivery tries again. */
export interface DispatchCapacityUnavailable {
  readonly type: 'CapacityUnavailable';
  readonly dispatch: Dispatch;
  readonly reasons: readonly string[];
}

/** ECS refused the launch for good; the job is `failed`. */
export interface DispatchLaunchRejected {
  readonly type: 'LaunchRejected';
  readonly dispatch: Dispatch;
  readonly reasons: readonly string[];
}

/** ECS could not be reached; a task may or may not have started. A repeat finds out (same ECS token). */
export interface LaunchOutcomeUnknown {
  readonly type: 'LaunchOutcomeUnknown';
  readonly dispatch: Dispatch;
}

export type DispatchToEcsError =
  | InvalidInput
  | TorrentsNotConfigured
  | JobIdReused
  | LaunchInProgress
  | DispatchCapacityUnavailable
  | DispatchLaunchRejected
  | LaunchOutcomeUnknown;

type Outcome = Result<DispatchToEcsAnswer, DispatchToEcsError>;

/** What DispatchToEcs is given: see {@link Ports} for the one name of each port. */
export type DispatchToEcsDeps = Pick<Ports, 'dispatches' | 'containerTasks' | 'clock' | 'log' | 'metrics'>;

/**
 * Records a job and launches it as an ECS task, at most once per job id however often it is
 * delivered. The first delivery creates the dispatch (a write conditioned on the id being
 * free) holding a launch lease; a repeat finds it in the same round trip and either reports
 * it launched, or, if an earlier attempt started nothing or died, claims it (a write
 * conditioned on the version) and tries again. RunTask carries a token per attempt, so
 * repeating an attempt whose outcome was lost returns the task it started.
 *
 * @example
 * const r = await dispatchToEcs.execute({ request: { url: 'https://example.com/stream' }, defaultJobId: ids.uuid() });
 * if (r.isOk()) console.log(r.value.dispatch.launch.taskArn);
 */
export class DispatchToEcs {
  constructor(private readonly deps: DispatchToEcsDeps, private readonly settings: DispatchSettings) {}

  execute(input: DispatchToEcsInput): ResultAsync<DispatchToEcsAnswer, DispatchToEcsError> {
    return new ResultAsync(this.run(input));
  }

  private async run(input: DispatchToEcsInput): Promise<Outcome> {
    const request = validate(DispatchRequestSchema, input.request);
    if (request.isErr()) return this.invalid(request.error);
    const jobId = request.value.job_id ?? input.defaultJobId;
    if (request.value.job_id === undefined && !JOB_ID_PATTERN.test(jobId)) {
      return this.invalid(invalidField(input.defaultJobIdField ?? 'job_id', JOB_ID_RULE));
    }
    const source = parseJobSource(request.value.url);
    if (source.isErr()) return this.invalid(source.error);
    const log = this.deps.log.with({ job_id: jobId });
    const target = this.targetFor(source.value, jobId);
    if (target === undefined) {
      log.warn('Torrent source refused: TRANSMISSION_TASK_DEF is not set', { source_kind: source.value.kind });
      this.deps.metrics.count('DispatchRefused');
      return err({ type: 'TorrentsNotConfigured', source: source.value });
    }
    const fresh = newDispatch({
      jobId,
      source: source.value,
      target,
      spec: { ...request.value, url: source.value.url },
      ttlDays: this.settings.ttlDays,
      leaseSeconds: this.settings.leaseSeconds,
      now: this.deps.clock.now(),
    });
    const created = await this.deps.dispatches.create(fresh);
    if (created.isOk()) {
      log.info('Job recorded', { source_kind: source.value.kind, task_definition: target.taskDefinition });
      this.deps.metrics.count('JobsReceived');
      return this.launch(fresh, log);
    }
    this.deps.metrics.count('DispatchDuplicates');
    return this.repeat(created.error.current, source.value, log, true);
  }

  /** Another delivery of a known job: report it, or take over its launch if nobody holds it. */
  private async repeat(current: Dispatch, source: JobSource, log: Log, mayRetry: boolean): Promise<Outcome> {
    if (current.source.url !== source.url) {
      log.warn('Job id reused for another source', { source_kind: source.kind });
      return err({ type: 'JobIdReused', jobId: current.job.jobId, current });
    }
    const claimed = claim(current, this.deps.clock.now(), this.settings.leaseSeconds);
    if (claimed.isErr()) {
      const { dispatch } = claimed.error;
      switch (claimed.error.type) {
        case 'AlreadyLaunched':
          log.info('Duplicate delivery of a launched job ignored', { status: dispatch.job.status, task_arn: dispatch.launch.taskArn });
          return ok({ type: 'AlreadyLaunched', dispatch });
        case 'LaunchFailedForGood':
          return err({ type: 'LaunchRejected', dispatch, reasons: dispatch.launch.lastFailure?.reasons ?? [] });
        case 'LaunchInProgress':
          log.info('Duplicate delivery while the job is being launched', { lease_until: dispatch.launch.leaseUntil });
          return err({ type: 'LaunchInProgress', dispatch });
      }
    }
    const taken = await this.deps.dispatches.replace(current, claimed.value);
    if (taken.isErr()) {
      if (taken.error.type === 'DispatchNotFound') throw new Error(`dispatch ${current.job.jobId} vanished while claimed`);
      // Someone wrote in between: decide once more on what they wrote, never loop.
      return mayRetry
        ? this.repeat(taken.error.current, source, log, false)
        : err({ type: 'LaunchInProgress', dispatch: taken.error.current });
    }
    log.info('Retrying job launch', { attempt: claimed.value.launch.attempt });
    return this.launch(claimed.value, log);
  }

  private async launch(dispatch: Dispatch, log: Log): Promise<Outcome> {
    const started = await this.deps.containerTasks.launch({
      taskDefinition: dispatch.target.taskDefinition,
      containerName: dispatch.target.containerName,
      environment: containerEnvironment(dispatch),
      idempotencyKey: launchKey(dispatch),
    });
    const now = this.deps.clock.now();
    if (started.isOk()) {
      const { taskArn } = started.value;
      this.deps.metrics.count('EcsTaskLaunched');
      log.info('ECS task launched', { task_arn: taskArn, attempt: dispatch.launch.attempt });
      const stored = await this.recordLaunch(dispatch, taskArn, log);
      if (stored.launch.taskArn === taskArn) return ok({ type: 'Launched', dispatch: stored });
      // Superseded by a newer attempt still in doubt: the next delivery settles it.
      if (stored.job.status === 'submitted') return err({ type: 'LaunchInProgress', dispatch: stored });
      return ok({ type: 'AlreadyLaunched', dispatch: stored });
    }
    this.deps.metrics.count('EcsTaskLaunchFailed');
    const error = started.error;
    switch (error.type) {
      case 'CapacityUnavailable': {
        const reasons = describe(error.failures);
        const stored = await this.record(dispatch, deferred(dispatch, reasons, now), log);
        this.deps.metrics.count('EcsCapacityUnavailable');
        log.warn('ECS capacity unavailable, job will be retried', { reasons, attempt: dispatch.launch.attempt });
        return err({ type: 'CapacityUnavailable', dispatch: stored, reasons });
      }
      case 'LaunchRejected': {
        const reasons = describe(error.failures);
        const stored = await this.record(dispatch, orThrow(rejected(dispatch, reasons, now)), log);
        this.deps.metrics.count('EcsLaunchRejected');
        log.error('ECS refused to launch the task', { reasons, task_definition: dispatch.target.taskDefinition });
        return err({ type: 'LaunchRejected', dispatch: stored, reasons });
      }
      case 'ContainerTasksUnavailable': {
        const stored = await this.record(dispatch, released(dispatch, now), log);
        this.deps.metrics.count('EcsUnavailable');
        log.error('ECS unavailable, launch outcome unknown', { error: describeCause(error.cause) });
        return err({ type: 'LaunchOutcomeUnknown', dispatch: stored });
      }
    }
  }

  /**
   * Records the task that started, so the record always names it. A lost write is judged
   * again on the record as it now is: still `submitted` (another delivery recorded a capacity
   * failure or gave the lease back meanwhile) → record this task there; already naming this
   * task → done. Naming another task, or final, or `submitted` at a newer attempt whose outcome
   * is unknown (its task may exist; a later delivery repeats that attempt's token) → this one
   * is a duplicate nobody would ever account for, and it is stopped.
   */
  private async recordLaunch(dispatch: Dispatch, taskArn: string, log: Log): Promise<Dispatch> {
    let current = dispatch;
    // A newer attempt whose outcome is unknown may have started a task of its own (its answer
    // lost): that attempt is the one a later delivery repeats and ECS answers, so ours yields.
    const superseded = (d: Dispatch) => d.launch.attempt > dispatch.launch.attempt && !d.launch.settled;
    for (let round = 1; round <= 4 && current.job.status === 'submitted' && !superseded(current); round += 1) {
      const next = orThrow(launched(current, taskArn, this.deps.clock.now()));
      const written = await this.deps.dispatches.replace(current, next);
      if (written.isOk()) return next;
      if (written.error.type === 'DispatchNotFound') throw new Error(`dispatch ${current.job.jobId} vanished while launching`);
      current = written.error.current;
      log.warn('Launch record changed meanwhile; recording the task on the current record', { status: current.job.status });
    }
    if (current.launch.taskArn === taskArn) return current;
    if (current.job.status === 'submitted' && !superseded(current)) {
      throw new Error(`dispatch ${current.job.jobId} kept changing while the task was recorded`);
    }
    log.error('A second task started for a job that already has one; stopping it', {
      task_arn: taskArn,
      recorded_task_arn: current.launch.taskArn,
      status: current.job.status,
    });
    this.deps.metrics.count('EcsDuplicateTasksStopped');
    const why = superseded(current) ? `attempt ${current.launch.attempt} superseded it` : `it already runs ${current.launch.taskArn ?? 'no task'}`;
    await this.deps.containerTasks.stop(taskArn, `Baton: job ${current.job.jobId}: ${why} (${current.job.status})`);
    return current;
  }

  /**
   * Stores the attempt's outcome. If the write loses, the lease ran out and another delivery
   * took over the same attempt (same ECS token, so the same task): its record stands.
   */
  private async record(previous: Dispatch, next: Dispatch, log: Log): Promise<Dispatch> {
    const written = await this.deps.dispatches.replace(previous, next);
    if (written.isOk()) return next;
    if (written.error.type === 'DispatchNotFound') throw new Error(`dispatch ${previous.job.jobId} vanished while launching`);
    log.warn('Launch outcome superseded by another delivery', { status: written.error.current.job.status });
    return written.error.current;
  }

  private targetFor(source: JobSource, jobId: string): DispatchTarget | undefined {
    const s = this.settings;
    const keyPrefix = keyPrefixFor(jobId);
    if (source.kind === 'stream') {
      return { taskDefinition: s.taskDefinition, containerName: s.containerName, bucket: s.bucket, keyPrefix };
    }
    if (s.transmissionTaskDefinition === undefined) return undefined;
    return {
      taskDefinition: s.transmissionTaskDefinition,
      containerName: s.transmissionContainerName ?? s.containerName,
      bucket: s.bucket,
      keyPrefix,
    };
  }

  private invalid(error: InvalidInput): Outcome {
    this.deps.metrics.count('DispatchInvalidInput');
    return err(error);
  }
}

/**
 * What the container is told, as environment overrides. Values are the validated ones only;
 * nothing of the raw request reaches the container.
 */
export function containerEnvironment(dispatch: Dispatch): Record<string, string> {
  return {
    JOB_ID: dispatch.job.jobId,
    SOURCE_URL: dispatch.source.url,
    SOURCE_KIND: dispatch.source.kind,
    S3_BUCKET: dispatch.target.bucket,
    S3_KEY_PREFIX: dispatch.target.keyPrefix,
  };
}

function describe(failures: readonly TaskPlacementFailure[]): string[] {
  return failures.map((f) => (f.detail ? `${f.reason} (${f.detail})` : f.reason));
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

/** The launch holds a `submitted` dispatch, so the Job rules cannot refuse these moves: if they do, it is a bug. */
function orThrow<T, E extends { type: string }>(result: Result<T, E>): T {
  if (result.isOk()) return result.value;
  throw new Error(`dispatch transition refused: ${JSON.stringify(result.error)}`);
}
