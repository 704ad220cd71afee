import { ResultAsync } from 'neverthrow';
import { addSeconds } from '../../domain/shared/time.js';
import type { CallbackMappings } from '../ports/CallbackMappings.js';
import type { Clock } from '../ports/Clock.js';
import type { Log } from '../ports/Log.js';
import type { Metrics } from '../ports/Metrics.js';
import type { ResumeCallback, ResumeResult } from './ResumeCallback.js';

export interface RedriveSettings {
  /** Only outcomes accepted at least this long ago: longer than any inline resume can take. */
  readonly redriveAfterSeconds: number;
  /** How long one run holds a mapping while resuming it. */
  readonly leaseSeconds: number;
  /** Mappings per query page, and pages per run. */
  readonly pageSize: number;
  readonly maxPages: number;
}

export interface RedriveReport {
  readonly found: number;
  readonly resumed: number;
  readonly deferred: number;
  readonly gone: number;
  /** Held by another run, or finished since the query. */
  readonly skipped: number;
  /** Failed with an infrastructure fault (logged); still ACCEPTED, so the next run tries again. */
  readonly faulted: number;
}

/** Thrown after a run in which some mappings hit an infrastructure fault, so the invocation counts as failed. */
export class RedriveFaults extends Error {
  override readonly name = 'RedriveFaults';
}

/**
 * Resumes outcomes that were accepted but never handed to Step Functions (it was down, or
 * the webhook crashed between claim and resume). Found through the sparse `redrive` index,
 * never a scan; each is leased first so overlapping runs resume it once.
 *
 * @example
 * const report = await redrive.execute(); // ok({ found: 3, resumed: 3, deferred: 0, gone: 0, skipped: 0 })
 */
export class RedriveCallbacks {
  constructor(
    private readonly mappings: CallbackMappings,
    private readonly resume: ResumeCallback,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly metrics: Metrics,
    private readonly settings: RedriveSettings,
  ) {}

  execute(): ResultAsync<RedriveReport, never> {
    return ResultAsync.fromSafePromise(this.run());
  }

  private async run(): Promise<RedriveReport> {
    const report = { found: 0, resumed: 0, deferred: 0, gone: 0, skipped: 0, faulted: 0 };
    const seen = new Set<string>();
    for (let page = 0; page < this.settings.maxPages; page += 1) {
      const now = this.clock.now();
      const cutoff = addSeconds(now, -this.settings.redriveAfterSeconds);
      const tokens = (await this.mappings.acceptedBefore(cutoff, this.settings.pageSize))._unsafeUnwrap();
      const fresh = tokens.filter((t) => !seen.has(t));
      if (fresh.length === 0) break;
      fresh.forEach((t) => seen.add(t));
      report.found += fresh.length;
      // One faulting mapping must not abandon the rest of the page.
      const settled = await Promise.allSettled(fresh.map((token) => this.redriveOne(token, now)));
      for (const outcome of settled) {
        if (outcome.status === 'rejected') {
          report.faulted += 1;
          this.log.error('Redrive of a callback failed', { error: String(outcome.reason) });
          continue;
        }
        const r = outcome.value;
        if (r === undefined) report.skipped += 1;
        else if (r.type === 'Resumed') report.resumed += 1;
        else if (r.type === 'Deferred') report.deferred += 1;
        else report.gone += 1;
      }
      // Deferred ones stay in the index: stop rather than spin on an outage.
      if (tokens.length < this.settings.pageSize || report.deferred > 0) break;
    }
    this.metrics.count('CallbacksRedriven', report.resumed);
    this.log.info('Redrive run finished', { ...report });
    if (report.faulted > 0) throw new RedriveFaults(`${report.faulted} of ${report.found} callbacks hit a fault; the next run retries them`);
    return report;
  }

  private async redriveOne(token: string, now: Date): Promise<ResumeResult | undefined> {
    const leased = await this.mappings.lease(token, now, addSeconds(now, this.settings.leaseSeconds));
    if (leased.isErr()) return undefined;
    return (await this.resume.execute(leased.value))._unsafeUnwrap();
  }
}
