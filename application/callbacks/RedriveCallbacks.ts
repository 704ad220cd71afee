import { addSeconds, epochSeconds } from '../../domain/shared/time.js';
import type { PageCursor } from '../ports/CallbackMappings.js';
import type { Ports } from '../ports/Ports.js';
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

/**
 * What `callback-redrive` runs with, beside REDRIVE_AFTER_SECONDS. The lease outlasts one
 * SendTask call with the SDK's retries and is shorter than the schedule; a test of two
 * overlapping runs uses it, so a lease too short to keep them apart fails that test.
 */
export const DEFAULT_REDRIVE_SETTINGS = { leaseSeconds: 30, pageSize: 100, maxPages: 20 } as const;

export interface RedriveReport {
  readonly found: number;
  readonly resumed: number;
  readonly deferred: number;
  readonly gone: number;
  /** Refused for good by Step Functions (AccessDenied, validation): REFUSED, out of the redrive. */
  readonly refused: number;
  /** Held by another run, or finished since the query. */
  readonly skipped: number;
  /** Failed with an infrastructure fault (logged); still ACCEPTED, so the next run tries again. */
  readonly faulted: number;
}

/** Seconds the oldest accepted-but-not-resumed outcome found by a run had waited (0 when none); alarmed on by deploy/. */
export const OLDEST_ACCEPTED_AGE_METRIC = 'OldestAcceptedCallbackAgeSeconds';

/** Thrown after a run in which some mappings hit an infrastructure fault, so the invocation counts as failed. */
export class RedriveFaults extends Error {
  override readonly name = 'RedriveFaults';
}

/** What RedriveCallbacks is given: see {@link Ports} for the one name of each port. */
export type RedriveCallbacksDeps = Pick<
  Ports,
  'mappings' | 'clock' | 'log' | 'metrics'
> & {
  readonly resumeCallback: ResumeCallback;
};

/**
 * Resumes outcomes that were accepted but never handed to Step Functions (it was down, or
 * the webhook crashed between claim and resume). Found through the sparse `redrive` index,
 * never a scan, page after page from where the last one stopped, so items that stay (held by
 * another run, deferred) never hide the ones behind them; each is leased first so
 * overlapping runs resume it once.
 *
 * @example
 * const report = await redrive.execute(); // { found: 3, resumed: 3, deferred: 0, gone: 0, refused: 0, skipped: 0, faulted: 0 }
 */
export class RedriveCallbacks {
  constructor(private readonly deps: RedriveCallbacksDeps, private readonly settings: RedriveSettings) {}

  /** Rejects with `RedriveFaults` after a run in which some mappings hit an infrastructure fault. */
  async execute(): Promise<RedriveReport> {
    const report = { found: 0, resumed: 0, deferred: 0, gone: 0, refused: 0, skipped: 0, faulted: 0 };
    const cutoff = addSeconds(this.deps.clock.now(), -this.settings.redriveAfterSeconds);
    let after: PageCursor | undefined;
    const oldest = { ageSeconds: 0 };
    for (let page = 0; page < this.settings.maxPages; page += 1) {
      const { tokens, next } = await this.deps.mappings.acceptedBefore(cutoff, this.settings.pageSize, after);
      report.found += tokens.length;
      const now = this.deps.clock.now();
      // One faulting mapping must not abandon the rest of the page.
      const settled = await Promise.allSettled(tokens.map((token) => this.redriveOne(token, now, oldest)));
      let resumedHere = 0;
      let deferredHere = 0;
      for (const outcome of settled) {
        if (outcome.status === 'rejected') {
          report.faulted += 1;
          this.deps.log.error('Redrive of a callback failed', { error: String(outcome.reason) });
          continue;
        }
        const r = outcome.value;
        if (r === undefined) report.skipped += 1;
        else if (r.type === 'Resumed') resumedHere += 1;
        else if (r.type === 'Deferred') deferredHere += 1;
        else if (r.type === 'Refused') report.refused += 1;
        else report.gone += 1;
      }
      report.resumed += resumedHere;
      report.deferred += deferredHere;
      // A page on which Step Functions took nothing and deferred something: it is down. Stop
      // rather than spin through every page of an outage; the next run starts over.
      if (next === undefined || (deferredHere > 0 && resumedHere === 0)) break;
      after = next;
    }
    this.deps.metrics.count('CallbacksRedriven', report.resumed);
    // What the "callback stuck" alarm watches: how long the oldest outcome this run found had waited for Step Functions.
    this.deps.metrics.count(OLDEST_ACCEPTED_AGE_METRIC, oldest.ageSeconds);
    this.deps.log.info('Redrive run finished', { ...report });
    if (report.faulted > 0) throw new RedriveFaults(`${report.faulted} of ${report.found} callbacks hit a fault; the next run retries them`);
    return report;
  }

  private async redriveOne(token: string, now: Date, oldest: { ageSeconds: number }): Promise<ResumeResult | undefined> {
    const leased = await this.deps.mappings.lease(token, now, addSeconds(now, this.settings.leaseSeconds));
    if (leased.isErr()) return undefined;
    const acceptedAt = leased.value.acceptedAt;
    if (acceptedAt !== undefined) {
      oldest.ageSeconds = Math.max(oldest.ageSeconds, epochSeconds(now) - epochSeconds(new Date(acceptedAt)));
    }
    return this.deps.resumeCallback.execute(leased.value);
  }
}
