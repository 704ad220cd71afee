import { abandon, type CallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { failureOutcome, type CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import { addSeconds } from '../../domain/shared/time.js';
import type { ResumeCallback } from '../callbacks/ResumeCallback.js';
import type { PageCursor } from '../ports/CallbackMappings.js';
import type { GpuJobStatus } from '../ports/GpuJobs.js';
import type { Log } from '../ports/Log.js';
import type { Ports } from '../ports/Ports.js';
import { outcomeOf } from './HandleRunPodWebhook.js';
import { RUNPOD_TERMINAL_STATUSES, type RunPodWebhookBody } from './runPodWebhookBody.js';

export interface ReconcileSettings {
  /** Only mappings PENDING at least this long (RECONCILE_AFTER_SECONDS, default 300). */
  readonly reconcileAfterSeconds: number;
  /** Mappings per index page (asked about at once), and pages per run. */
  readonly pageSize: number;
  readonly maxPages: number;
}

/** The error name a task fails with when RunPod no longer knows its job. */
export const RUNPOD_JOB_LOST = 'RunPodJobLost';

/** What the reconciler did with one PENDING mapping. */
export type ReconcileAction =
  /** RunPod had finished; this run claimed the outcome (resumed, or kept for the redrive). */
  | 'recovered'
  /** RunPod no longer knows the job; this run claimed a `RunPodJobLost` failure. */
  | 'lost'
  /** Still queued or running; the task's heartbeat was sent. */
  | 'heartbeat'
  /** The task is gone: the job was cancelled and the mapping ABANDONED. */
  | 'cancelled'
  /** Claimed or given up by someone else since the query (a webhook, another run). */
  | 'raced'
  /** No RunPod job id recorded: nothing to ask about (see ARCHITECTURE.md). */
  | 'noJobId'
  /** Step Functions or RunPod could not answer now; the next run asks again. */
  | 'deferred';

export interface ReconcileReport {
  readonly found: number;
  readonly recovered: number;
  readonly lost: number;
  readonly heartbeat: number;
  readonly cancelled: number;
  readonly raced: number;
  readonly noJobId: number;
  readonly deferred: number;
  /** Infrastructure faults or refusals (logged); the mapping stays PENDING for the next run. */
  readonly faulted: number;
}

/** Thrown after a run in which some mappings hit a fault, so the invocation counts as failed (and alarms). */
export class ReconcileFaults extends Error {
  override readonly name = 'ReconcileFaults';
}

const TERMINAL = new Set<string>(RUNPOD_TERMINAL_STATUSES);

/** What ReconcileRunPodJobs is given: see {@link Ports} for the one name of each port. */
export type ReconcileRunPodJobsDeps = Pick<
  Ports,
  'mappings' | 'gpuJobs' | 'taskTokens' | 'clock' | 'log' | 'metrics'
> & {
  readonly resumeCallback: ResumeCallback;
};

/**
 * The safety net under RunPod's webhook, which tries three times in ~20 s and is then lost.
 * For every RunPod mapping still PENDING after `reconcileAfterSeconds` (sparse `reconcile`
 * index, paged, never a scan) it asks RunPod how the job is:
 * - finished → the outcome is claimed exactly as the webhook claims it (one conditional write;
 *   a racing webhook or an overlapping run loses cleanly) and Step Functions resumed;
 * - queued or running → SendTaskHeartbeat, so a state's HeartbeatSeconds notices a dead job;
 *   if Step Functions says the task is gone, the job is cancelled and the mapping ABANDONED;
 * - unknown to RunPod → the task fails with `RunPodJobLost`, through the same claim.
 * A mapping without a job id is left alone: its submit never learned one, so there is nothing
 * to ask RunPod, and heartbeating it would keep a task alive for a job that may not exist.
 *
 * @example
 * const report = await reconcile.execute(); // { found: 4, recovered: 1, heartbeat: 3, … }
 */
export class ReconcileRunPodJobs {
  constructor(private readonly deps: ReconcileRunPodJobsDeps, private readonly settings: ReconcileSettings) {}

  /** Rejects with `ReconcileFaults` after a run in which some mappings hit an infrastructure fault. */
  async execute(): Promise<ReconcileReport> {
    const report = { found: 0, recovered: 0, lost: 0, heartbeat: 0, cancelled: 0, raced: 0, noJobId: 0, deferred: 0, faulted: 0 };
    const cutoff = addSeconds(this.deps.clock.now(), -this.settings.reconcileAfterSeconds);
    let after: PageCursor | undefined;
    for (let page = 0; page < this.settings.maxPages; page += 1) {
      const { tokens, next } = await this.deps.mappings.pendingRunPodBefore(cutoff, this.settings.pageSize, after);
      report.found += tokens.length;
      const settled = await Promise.allSettled(tokens.map((token) => this.reconcileOne(token)));
      for (const outcome of settled) {
        if (outcome.status === 'fulfilled') {
          report[outcome.value] += 1;
        } else {
          report.faulted += 1;
          this.deps.log.error('Reconcile of a RunPod job failed', { error: describe(outcome.reason) });
        }
      }
      if (next === undefined) break;
      after = next;
    }
    this.deps.metrics.count('CallbacksRecovered', report.recovered + report.lost);
    this.deps.metrics.count('RunPodJobsCancelled', report.cancelled);
    this.deps.metrics.count('RunPodJobsLost', report.lost);
    if (report.noJobId > 0) this.deps.metrics.count('ReconcileJobIdMissing', report.noJobId);
    this.deps.log.info('Reconcile run finished', { ...report });
    if (report.faulted > 0) {
      throw new ReconcileFaults(`${report.faulted} of ${report.found} RunPod mappings hit a fault; the next run retries them`);
    }
    return report;
  }

  private async reconcileOne(token: string): Promise<ReconcileAction> {
    const mapping = await this.deps.mappings.find(token);
    // The index is eventually consistent: the item may have moved on since the query.
    if (mapping === undefined || mapping.status !== 'PENDING') return 'raced';
    const log = this.deps.log.with({ job_id: mapping.jobId, exec_id: mapping.execId, callback_token: token });
    if (mapping.jobId === undefined) {
      log.warn('RunPod mapping has no job id; left to the task timeout and the webhook');
      return 'noJobId';
    }
    const jobId = mapping.jobId;
    const status = await this.deps.gpuJobs.status(jobId);
    if (status.isErr()) {
      if (status.error.type === 'GpuJobRejected') {
        throw new Error(`RunPod refused the status read of ${jobId}: ${status.error.status} ${status.error.detail}`);
      }
      log.warn('RunPod no longer knows the job; failing the task', { job_id: jobId });
      const cause = `RunPod no longer knows job ${jobId} (its result expired or it never ran); its webhook never arrived`;
      return (await this.claim(mapping, failureOutcome(RUNPOD_JOB_LOST, cause), log)) ? 'lost' : 'raced';
    }
    if (TERMINAL.has(status.value.status)) {
      log.info('RunPod job finished but its webhook never arrived; resuming', { job_id: jobId, status: status.value.status });
      return (await this.claim(mapping, outcomeOf(asWebhookBody(status.value)), log)) ? 'recovered' : 'raced';
    }
    return this.stillRunning(mapping, jobId, log);
  }

  /** The webhook's own claim and resume. Returns whether this run won the claim. */
  private async claim(mapping: CallbackMapping, outcome: CallbackOutcome, log: Log): Promise<boolean> {
    const accepted = await this.deps.mappings.accept(mapping.callbackToken, outcome, this.deps.clock.now(), 'runpod');
    if (accepted.isErr()) return false;
    this.deps.metrics.count('CallbacksAccepted');
    const resumed = await this.deps.resumeCallback.execute(accepted.value);
    log.info('Reconciled callback', { result: resumed.type, status: resumed.mapping.status });
    return true;
  }

  private async stillRunning(mapping: CallbackMapping, jobId: string, log: Log): Promise<ReconcileAction> {
    const beat = await this.deps.taskTokens.heartbeat(mapping.taskToken);
    if (beat.isOk()) return 'heartbeat';
    switch (beat.error.type) {
      case 'TaskTokensUnavailable':
        return 'deferred';
      case 'TaskTokensRefused':
        throw new Error(`Step Functions refused the heartbeat: ${beat.error.refusal}`);
      case 'TaskTokenGone': {
        // Cancel first: if that fails the mapping stays PENDING and the next run tries again;
        // a cancel repeated after a crash cancels nothing twice.
        const cancelled = await this.deps.gpuJobs.cancel(jobId);
        if (cancelled.isErr() && cancelled.error.type === 'GpuJobRejected') {
          throw new Error(`RunPod refused to cancel ${jobId}: ${cancelled.error.status} ${cancelled.error.detail}`);
        }
        const reason = beat.error.reason;
        const given = abandon(mapping, reason, this.deps.clock.now());
        if (given.isErr()) return 'raced';
        const written = await this.deps.mappings.abandon(given.value);
        if (written.isErr()) return 'raced';
        log.warn('Task gone; RunPod job cancelled', { job_id: jobId, reason });
        return 'cancelled';
      }
    }
  }
}

/** `/status` carries the webhook's fields; only a terminal status reaches here. */
function asWebhookBody(status: GpuJobStatus): RunPodWebhookBody {
  return { ...status, status: status.status as RunPodWebhookBody['status'] };
}

function describe(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}
