import * as v from 'valibot';
import { ok, safeTry, type ResultAsync } from 'neverthrow';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { Ports } from '../ports/Ports.js';
import { validate } from '../shared/validate.js';
import { JobIdInputSchema } from './JobIdInput.js';

/**
 * `{ job_id, date }`: the job and the day its slot was reserved on, as `reserve-quota` answered
 * (`$.quota.date`). The day is not "today": a run reserved at 23:59 may end after midnight.
 */
const ReleaseQuotaInputSchema = v.object(
  {
    ...JobIdInputSchema.entries,
    date: v.pipe(
      v.string('must be a string'),
      v.check(isCalendarDay, 'must be a UTC calendar day, YYYY-MM-DD'),
    ),
  },
  (issue) => (issue.path ? 'is required' : 'must be an object with a job_id and a date'),
);

function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const at = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(day);
}

export interface QuotaReleased {
  readonly day: string;
  readonly jobId: string;
  /** The day's count after this call. */
  readonly count: number;
  /** `false` when the job held no slot that day (never reserved, or released already). */
  readonly released: boolean;
}

export type ReleaseQuotaError = InvalidInput;

/** What ReleaseQuota is given: see {@link Ports} for the one name of each port. */
export type ReleaseQuotaDeps = Pick<Ports, 'counters' | 'clock' | 'log' | 'metrics'>;

/**
 * Gives back a slot taken with {@link ReserveQuota} by a run that produced nothing (the fetcher
 * found no manga, or the run failed before any output), so the day's quota is not spent on it.
 * One conditional write; a retried release changes nothing.
 *
 * @example
 * await releaseQuota.execute({ job_id: 'exec-2026-02-07-0600', date: '2026-02-07' });
 * // ok({ day: '2026-02-07', jobId: 'exec-2026-02-07-0600', count: 3, released: true })
 */
export class ReleaseQuota {
  constructor(private readonly deps: ReleaseQuotaDeps) {}

  execute(input: unknown): ResultAsync<QuotaReleased, ReleaseQuotaError> {
    const { counters, clock, metrics } = this.deps;
    const rootLog = this.deps.log;
    return safeTry(async function* () {
      const { job_id: jobId, date: day } = yield* validate(ReleaseQuotaInputSchema, input);
      const { count, released } = await counters.release(day, jobId, clock.now());
      const log = rootLog.with({ job_id: jobId });
      if (released) {
        log.info('Daily quota slot released', { date: day, daily_count: count });
        metrics.count('QuotaSlotsReleased');
      } else {
        log.info('No daily quota slot to release', { date: day, daily_count: count });
      }
      return ok({ day, jobId, count, released });
    });
  }
}
