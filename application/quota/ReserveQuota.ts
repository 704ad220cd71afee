import { ok, safeTry, type ResultAsync } from 'neverthrow';
import type { QuotaExhausted } from '../../domain/quota/DayTally.js';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';
import { utcDay } from '../../domain/shared/time.js';
import type { Ports } from '../ports/Ports.js';
import { validate } from '../shared/validate.js';
import { JobIdInputSchema } from './JobIdInput.js';
import type { QuotaSettings } from './QuotaSettings.js';
import type { ReleaseQuota } from './ReleaseQuota.js';

export interface QuotaReserved {
  readonly day: string;
  readonly jobId: string;
  /** The day's count after this call, this job included. */
  readonly count: number;
  readonly limit: number;
  /** `false` when the job already held its slot (a retried task): no second slot was taken. */
  readonly fresh: boolean;
}

export type ReserveQuotaError = InvalidInput | QuotaExhausted;

/** What ReserveQuota is given: see {@link Ports} for the one name of each port. */
export type ReserveQuotaDeps = Pick<Ports, 'counters' | 'clock' | 'log' | 'metrics'>;

/**
 * The race-free replacement for check-then-increment (SPEC item 5): one conditional write takes
 * a slot of today's quota for this job only while the count is below the limit. However many
 * executions start at once, at most `dailyQuota` of them get a slot; a retried reservation of
 * the same job succeeds again without taking another.
 *
 * A pipeline calls it where it would call `check-quota`, keyed by something stable across task
 * retries and known before the work exists (the execution name), and drops `increment-counter`:
 * the reservation is the count. (Under the same id `increment-counter` would be a no-op; under
 * another id it would count the run twice.) A run that ends without output gives its slot
 * back with {@link ReleaseQuota}.
 *
 * @example
 * const r = await reserveQuota.execute({ job_id: 'job-abc123' });
 * r.match(
 *   (slot) => startWork(slot.jobId),
 *   (e) => (e.type === 'QuotaExhausted' ? skipToday() : reject(e)),
 * );
 */
export class ReserveQuota {
  constructor(private readonly deps: ReserveQuotaDeps, private readonly settings: QuotaSettings) {}

  execute(input: unknown): ResultAsync<QuotaReserved, ReserveQuotaError> {
    const { counters, clock, metrics } = this.deps;
    const limit = this.settings.dailyQuota;
    const rootLog = this.deps.log;
    return safeTry(async function* () {
      const now = clock.now();
      const day = utcDay(now);
      const { job_id: jobId } = yield* validate(JobIdInputSchema, input);
      const log = rootLog.with({ job_id: jobId });
      const { count, fresh } = yield* counters.reserve(day, jobId, limit, now).mapErr((exhausted) => {
        log.info('Daily quota reached, no slot reserved', { date: day, daily_count: exhausted.count, daily_quota: limit });
        metrics.count('QuotaReservationsRefused');
        return exhausted;
      });
      log.info('Daily quota slot reserved', { date: day, daily_count: count, daily_quota: limit, fresh });
      metrics.count(fresh ? 'QuotaSlotsReserved' : 'RepeatedReservationsIgnored');
      return ok({ day, jobId, count, limit, fresh });
    });
  }
}
