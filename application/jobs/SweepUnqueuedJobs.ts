import { transition, type Job } from '../../domain/jobs/Job.js';
import type { Log } from '../ports/Log.js';
import type { Ports } from '../ports/Ports.js';

export interface UnqueuedSweepSettings {
  /** Jobs unqueued for this long are swept: longer than any submit request (API Gateway: 29 s). */
  readonly afterSeconds: number;
  /** A job the queue still refuses after this long is marked `failed` instead of tried again. */
  readonly giveUpAfterSeconds: number;
  /** Jobs looked at per run. */
  readonly limit: number;
}

export const DEFAULT_UNQUEUED_SWEEP_SETTINGS: UnqueuedSweepSettings = { afterSeconds: 120, giveUpAfterSeconds: 3_600, limit: 100 };

export interface UnqueuedSweepReport {
  /** Unqueued jobs found old enough to sweep. */
  readonly found: number;
  /** Sent to the queue now. */
  readonly resent: number;
  /** Marked `failed`: the queue kept refusing past `giveUpAfterSeconds`. */
  readonly failed: number;
  /** Moved on meanwhile (a processor or a replayed submit got there); only taken out of the set. */
  readonly movedOn: number;
  /** Left for the next run: the queue refused, or the run's time was up. */
  readonly left: number;
}

export interface UnqueuedSweepOptions {
  /** Asked before each job: true once the invocation must stop starting new work. */
  readonly shouldStop?: () => boolean;
}

/** What SweepUnqueuedJobs is given: see {@link Ports} for the one name of each port. */
export type SweepUnqueuedJobsDeps = Pick<Ports, 'jobs' | 'queue' | 'clock' | 'log' | 'metrics'>;

/**
 * The `job-sweeper`: finds jobs recorded `submitted` whose queue message never went out (the
 * function crashed or timed out between the record and the send), through the store's sparse
 * `unqueued` index, and sends them; a job the queue keeps refusing for `giveUpAfterSeconds` is
 * marked `failed` (`JobQueueUnavailable`), so no job stays `submitted` for ever. Each job is read
 * again before it is touched (the index may lag); a send that races a processor only repeats
 * a message, which the status machine absorbs.
 *
 * @example
 * const report = await sweep.execute(); // { found: 2, resent: 2, … }
 */
export class SweepUnqueuedJobs {
  constructor(
    private readonly deps: SweepUnqueuedJobsDeps,
    private readonly settings: UnqueuedSweepSettings = DEFAULT_UNQUEUED_SWEEP_SETTINGS,
  ) {}

  async execute(options: UnqueuedSweepOptions = {}): Promise<UnqueuedSweepReport> {
    const now = this.deps.clock.now();
    const cutoff = new Date(now.getTime() - this.settings.afterSeconds * 1000);
    const ids = await this.deps.jobs.unqueuedBefore(cutoff, this.settings.limit);
    const report = { found: ids.length, resent: 0, failed: 0, movedOn: 0, left: 0 };
    for (const jobId of ids) {
      if (options.shouldStop?.()) {
        report.left += 1;
        continue;
      }
      report[await this.sweep(jobId)] += 1;
    }
    if (report.found > 0) this.deps.log.info('Unqueued jobs swept', { ...report });
    this.deps.metrics.count('UnqueuedJobsResent', report.resent);
    this.deps.metrics.count('UnqueuedJobsFailed', report.failed);
    return report;
  }

  private async sweep(jobId: string): Promise<'resent' | 'failed' | 'movedOn' | 'left'> {
    const log = this.deps.log.with({ job_id: jobId });
    const job = await this.deps.jobs.get(jobId);
    if (job === undefined || job.status !== 'submitted') {
      await this.deps.jobs.markQueued(jobId);
      return 'movedOn';
    }
    const sent = await this.deps.queue.enqueue(job);
    if (sent.isOk()) {
      await this.deps.jobs.markQueued(jobId);
      log.warn('Job found recorded but never queued; sent now', { submitted_at: job.submittedAt });
      return 'resent';
    }
    const age = (this.deps.clock.now().getTime() - Date.parse(job.submittedAt)) / 1000;
    if (age < this.settings.giveUpAfterSeconds) {
      log.warn('Unqueued job still refused by the queue; will try again', { error: String(sent.error.cause) });
      return 'left';
    }
    return this.giveUp(job, log);
  }

  private async giveUp(job: Job, log: Log): Promise<'failed' | 'movedOn'> {
    const failed = transition(
      job,
      { status: 'failed', error: { type: 'JobQueueUnavailable', message: 'The job could not be queued for processing' } },
      this.deps.clock.now(),
    );
    // submitted → failed is always legal; a lost write means a processor or a replayed submit got there.
    const written = failed.isOk() ? await this.deps.jobs.update(job, failed.value) : failed;
    if (written.isErr()) return 'movedOn';
    log.error('Job never reached the queue; marked failed', { submitted_at: job.submittedAt });
    return 'failed';
  }
}
