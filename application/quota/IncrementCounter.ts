import { ok, safeTry, type ResultAsync } from 'neverthrow';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';
import { utcDay } from '../../domain/shared/time.js';
import type { Ports } from '../ports/Ports.js';
import { validate } from '../shared/validate.js';
import { JobIdInputSchema } from './JobIdInput.js';

export interface CounterIncremented {
  readonly day: string;
  readonly jobId: string;
  /** The day's count after this call. */
  readonly count: number;
  /** `false` when this job had already been counted today (a retried task): nothing was added. */
  readonly fresh: boolean;
}

export type IncrementCounterError = InvalidInput;

/** What IncrementCounter is given: see {@link Ports} for the one name of each port. */
export type IncrementCounterDeps = Pick<Ports, 'counters' | 'clock' | 'log' | 'metrics'>;

/**
 * Seed 003's `increment-counter`: today's count goes up by one for this job, atomically, and a
 * job counts once per UTC day, so a task Step Functions retries after a lost response (or a
 * job that already reserved its slot with {@link ReserveQuota}) does not count twice.
 *
 * @example
 * const r = await incrementCounter.execute({ job_id: 'job-abc123' });
 * // ok({ day: '2026-02-07', jobId: 'job-abc123', count: 4, fresh: true })
 */
export class IncrementCounter {
  constructor(private readonly deps: IncrementCounterDeps) {}

  execute(input: unknown): ResultAsync<CounterIncremented, IncrementCounterError> {
    const { counters, clock, metrics } = this.deps;
    const rootLog = this.deps.log;
    return safeTry(async function* () {
      const now = clock.now();
      const day = utcDay(now);
      const { job_id: jobId } = yield* validate(JobIdInputSchema, input);
      const { count, fresh } = await counters.countJob(day, jobId, now);
      const log = rootLog.with({ job_id: jobId });
      if (fresh) {
        log.info('Daily counter incremented', { date: day, daily_count: count });
        metrics.count('JobsCounted');
      } else {
        log.info('Job already counted today, counter unchanged', { date: day, daily_count: count });
        metrics.count('RepeatedCountsIgnored');
      }
      return ok({ day, jobId, count, fresh });
    });
  }
}
