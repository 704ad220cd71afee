import type { GpuJobRequest } from '../../application/ports/GpuJobs.js';
import { InMemoryGpuJobs } from '../../adapters/memory/InMemoryGpuJobs.js';
import type { World } from '../World.js';

/** Posts a webhook body to a URL; resolves with the HTTP status the receiver answered, or 0 if none. */
export type WebhookDelivery = (url: string, body: unknown) => Promise<number>;

export type RunPodFinalStatus = 'COMPLETED' | 'FAILED' | 'TIMED_OUT';

/** RunPod keeps a finished job's result (`/status/{id}`) this long, then forgets the job. */
const RESULT_KEPT_SECONDS = 1800;

export interface SimGpuJob {
  readonly id: string;
  readonly request: GpuJobRequest;
  readonly submittedAtMs: number;
  status: 'IN_QUEUE' | RunPodFinalStatus | 'CANCELLED';
  /** When the GPU stopped working on it (finished, or cancelled); undefined while it runs. */
  stoppedAtMs?: number;
  /** HTTP status of every delivery that reached the receiver, in order. */
  readonly answers: number[];
  /** Deliveries that never reached the receiver. */
  lost: number;
}

export interface SimRunPodSettings {
  /** Fraction of jobs that finish before RunPod has even answered the submit. */
  readonly fastWebhookRate: number;
  /** Fraction of jobs stuck until RunPod's `policy.executionTimeout` stops them. */
  readonly stuckRate: number;
  /** Mean queue delay and execution time, seconds. */
  readonly meanDelaySeconds: number;
  readonly minExecutionSeconds: number;
  readonly maxExecutionSeconds: number;
}

export const DEFAULT_RUNPOD: SimRunPodSettings = {
  fastWebhookRate: 0.02,
  stuckRate: 0.005,
  meanDelaySeconds: 20,
  minExecutionSeconds: 30,
  maxExecutionSeconds: 900,
};

/** RunPod retries a failed delivery only twice, 10 s apart. */
const RETRIES = 2;
const RETRY_SECONDS = 10;

/**
 * RunPod serverless, simulated: takes jobs through the real port's in-memory adapter
 * (`InMemoryGpuJobs`), works on each for a random time, and posts its webhook the way RunPod
 * does — including the faults the fault rates ask for: duplicates (sometimes concurrent),
 * late redeliveries, lost deliveries retried twice 10 s apart, failed and timed-out jobs,
 * and webhooks that arrive before the submit call has even returned.
 */
export class SimRunPod {
  readonly gpuJobs = new InMemoryGpuJobs();
  readonly jobs = new Map<string, SimGpuJob>();
  readonly stats = {
    submitFaults: 0,
    deliveries: 0,
    lostDeliveries: 0,
    deliveryRetries: 0,
    duplicateDeliveries: 0,
    concurrentDuplicates: 0,
    lateDeliveries: 0,
    fastWebhooks: 0,
    failedJobs: 0,
    timedOutJobs: 0,
    webhooksLostForGood: 0,
    cancelledJobs: 0,
  };

  constructor(
    private readonly world: World,
    private readonly deliver: WebhookDelivery,
    private readonly settings: SimRunPodSettings = DEFAULT_RUNPOD,
  ) {
    this.gpuJobs.onSubmit = (job) => this.accepted(job.id, job.request);
    this.gpuJobs.onCancel = (id) => {
      const job = this.jobs.get(id);
      if (!job || job.stoppedAtMs !== undefined) return;
      job.status = 'CANCELLED';
      job.stoppedAtMs = this.world.scheduler.nowMs();
      this.stats.cancelledJobs += 1;
    };
  }

  /**
   * Call before each submit: RunPod may be unreachable (connection refused after the adapter's
   * retries): no job exists, the mapping is deleted, the task fails and is retried. A job that
   * RunPod took while its answer was lost is not simulated here: its mapping has no job id, so
   * neither the reconciler nor execution-ended can reach it (unit-tested in SubmitRunPodJob.test.ts
   * and on the bundle against a hung RunPod in test/deadlines/).
   */
  maybeFailNextSubmit(rate: number): void {
    if (this.world.prng.chance(rate)) {
      this.stats.submitFaults += 1;
      this.gpuJobs.unreachableNext('connect ECONNREFUSED (after 3 attempts)');
    }
  }

  private async accepted(id: string, request: GpuJobRequest): Promise<void> {
    const { prng, scheduler, faults } = this.world;
    const job: SimGpuJob = { id, request, submittedAtMs: scheduler.nowMs(), status: 'IN_QUEUE', answers: [], lost: 0 };
    this.jobs.set(id, job);
    if (prng.chance(this.settings.fastWebhookRate)) {
      // The job finished before RunPod answered the submit: the webhook races the mapping's job id.
      this.stats.fastWebhooks += 1;
      job.status = prng.chance(faults.jobFailure) ? 'FAILED' : 'COMPLETED';
      if (job.status === 'FAILED') this.stats.failedJobs += 1;
      this.settle(job, 50, 100);
      await this.post(job, 0, 0);
      return;
    }
    const delay = prng.exponential(this.settings.meanDelaySeconds);
    const limitSeconds = (request.policy?.executionTimeout ?? Number.POSITIVE_INFINITY) / 1000;
    let execution = prng.between(this.settings.minExecutionSeconds, this.settings.maxExecutionSeconds);
    let status: RunPodFinalStatus = prng.chance(faults.jobFailure) ? 'FAILED' : 'COMPLETED';
    if (prng.chance(this.settings.stuckRate) || execution > limitSeconds) {
      execution = Math.min(limitSeconds, this.settings.maxExecutionSeconds * 10);
      status = 'TIMED_OUT';
    }
    scheduler.after(delay, () => {
      if (job.stoppedAtMs === undefined) this.gpuJobs.setStatus(id, { status: 'IN_PROGRESS' });
    });
    scheduler.after(delay + execution, () => this.finish(job, status, delay, execution));
  }

  private async finish(job: SimGpuJob, status: RunPodFinalStatus, delay: number, execution: number): Promise<void> {
    if (job.stoppedAtMs !== undefined) return; // cancelled: RunPod stopped the worker, no webhook
    job.status = status;
    if (status === 'FAILED') this.stats.failedJobs += 1;
    if (status === 'TIMED_OUT') this.stats.timedOutJobs += 1;
    const delayMs = Math.round(delay * 1000);
    const executionMs = Math.round(execution * 1000);
    this.settle(job, delayMs, executionMs);
    const { prng, faults } = this.world;
    // A lost delivery is retried twice, 10 s apart; sometimes all three are lost (our API was
    // down for those 20 s) and only the reconciler's `/status` read can recover the result.
    const lostFirst = prng.chance(faults.lost) ? prng.int(1, RETRIES + 1) : 0;
    if (lostFirst > RETRIES) this.stats.webhooksLostForGood += 1;
    await this.post(job, 0, lostFirst, delayMs, executionMs);
  }

  /** The job ended: `/status` shows its result for RESULT_KEPT_SECONDS, then RunPod forgets it. */
  private settle(job: SimGpuJob, delayMs: number, executionMs: number): void {
    job.stoppedAtMs = this.world.scheduler.nowMs();
    const { id: _id, ...body } = bodyOf(job, delayMs, executionMs) as { id: string; status: string };
    this.gpuJobs.setStatus(job.id, body);
    this.world.scheduler.after(RESULT_KEPT_SECONDS, () => this.gpuJobs.forget(job.id));
  }

  /** One delivery attempt, then RunPod's retries, duplicates and late redeliveries as the faults say. */
  private async post(job: SimGpuJob, attempt: number, lostFirst: number, delayMs = 50, executionMs = 100): Promise<void> {
    const { prng, faults, scheduler } = this.world;
    const body = bodyOf(job, delayMs, executionMs);
    if (attempt < lostFirst) {
      job.lost += 1;
      this.stats.lostDeliveries += 1;
    } else {
      const concurrent = attempt === lostFirst && prng.chance(faults.duplicate / 2);
      if (concurrent) {
        this.stats.duplicateDeliveries += 1;
        this.stats.concurrentDuplicates += 1;
        await Promise.all([this.send(job, body), this.send(job, body)]);
      } else {
        await this.send(job, body);
      }
      if (attempt === lostFirst && !concurrent && prng.chance(faults.duplicate / 2)) {
        scheduler.after(prng.between(0.5, 30), async () => {
          this.stats.duplicateDeliveries += 1;
          await this.send(job, body);
        });
      }
      if (attempt === lostFirst && prng.chance(faults.late)) {
        scheduler.after(prng.between(300, 6 * 3600), async () => {
          this.stats.lateDeliveries += 1;
          await this.send(job, body);
        });
      }
      const last = job.answers[job.answers.length - 1] ?? 0;
      if (last >= 200 && last < 300) return;
    }
    if (attempt < RETRIES) {
      this.stats.deliveryRetries += 1;
      scheduler.after(RETRY_SECONDS, () => this.post(job, attempt + 1, lostFirst, delayMs, executionMs));
    }
  }

  private async send(job: SimGpuJob, body: unknown): Promise<void> {
    this.stats.deliveries += 1;
    job.answers.push(await this.deliver(job.request.webhook, body));
  }
}

/** RunPod's `/status` shape, as its webhook posts it. */
function bodyOf(job: SimGpuJob, delayTime: number, executionTime: number): Record<string, unknown> {
  switch (job.status) {
    case 'COMPLETED':
      return {
        id: job.id,
        status: 'COMPLETED',
        delayTime,
        executionTime,
        output: { message: 'Video upscaled successfully', output_url: job.request.input.output_presigned_url.split('?')[0] },
      };
    case 'FAILED':
      return { id: job.id, status: 'FAILED', delayTime, executionTime, error: 'CUDA error: out of memory' };
    default:
      return { id: job.id, status: job.status, delayTime, executionTime, error: 'Job exceeded policy.executionTimeout' };
  }
}
