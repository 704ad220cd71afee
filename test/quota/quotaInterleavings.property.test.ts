import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryDailyCounters } from '../../adapters/memory/InMemoryDailyCounters.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { CheckQuota } from '../../application/quota/CheckQuota.js';
import { IncrementCounter } from '../../application/quota/IncrementCounter.js';
import { ReleaseQuota } from '../../application/quota/ReleaseQuota.js';
import { ReserveQuota } from '../../application/quota/ReserveQuota.js';
import { isReached } from '../../domain/quota/DailyQuota.js';
import { ScheduledDailyCounters } from './ScheduledDailyCounters.js';

const DAY = '2026-02-07';

function world(s: fc.Scheduler, dailyQuota: number) {
  const store = new InMemoryDailyCounters();
  const counters = new ScheduledDailyCounters(store, s);
  const clock = new ManualClock(`${DAY}T10:00:00Z`);
  const [log, metrics] = [new RecordingLog(), new InMemoryMetrics()];
  return {
    store,
    check: new CheckQuota({ counters, clock, log, metrics }, { dailyQuota }),
    increment: new IncrementCounter({ counters, clock, log, metrics }),
    reserve: new ReserveQuota({ counters, clock, log, metrics }, { dailyQuota }),
    release: new ReleaseQuota({ counters, clock, log, metrics }),
  };
}

/** Calls by job: `job-0` may appear several times (Step Functions retrying the task). */
const jobCalls = fc.array(fc.nat({ max: 12 }).map((n) => `job-${n}`), { minLength: 1, maxLength: 25 });
const limits = fc.integer({ min: 1, max: 8 });

describe('DailyQuota over every interleaving (fc.scheduler)', () => {
  it('ReserveQuota never overshoots, and a job gets the same answer on every attempt', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), jobCalls, limits, async (s, calls, limit) => {
        const w = world(s, limit);

        const pending = Promise.all(calls.map((job_id) => w.reserve.execute({ job_id })));
        await s.waitIdle();
        const results = await pending;

        const distinct = new Set(calls);
        const holders = new Set(calls.filter((_, i) => results[i]!.isOk()));
        expect(w.store.tally(DAY).count).toBe(Math.min(limit, distinct.size));
        expect(holders.size).toBe(Math.min(limit, distinct.size));
        expect(results.filter((r) => r.isOk() && r.value.fresh)).toHaveLength(holders.size);
        calls.forEach((job, i) => expect(results[i]!.isOk()).toBe(holders.has(job)));
      }),
    );
  });

  it('IncrementCounter counts each job once, however its retries interleave', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), jobCalls, async (s, calls) => {
        const w = world(s, 10);

        const pending = Promise.all(calls.map((job_id) => w.increment.execute({ job_id })));
        await s.waitIdle();
        const results = (await pending).map((r) => r._unsafeUnwrap());

        const distinct = new Set(calls);
        expect(w.store.tally(DAY).count).toBe(distinct.size);
        expect(results.filter((r) => r.fresh)).toHaveLength(distinct.size);
        for (const r of results) expect(r.count).toBeLessThanOrEqual(distinct.size);
      }),
    );
  });

  it('reservations and releases racing: the count is exactly the jobs holding a slot, never above the limit', async () => {
    const call = fc.record({ op: fc.constantFrom('reserve', 'release'), job: fc.nat({ max: 6 }).map((n) => `job-${n}`) });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(call, { minLength: 1, maxLength: 20 }), limits, async (s, calls, limit) => {
        const w = world(s, limit);
        let peak = 0;
        const observe = () => (peak = Math.max(peak, w.store.tally(DAY).count));

        const pending = Promise.all(
          calls.map(({ op, job }) =>
            (op === 'reserve' ? w.reserve.execute({ job_id: job }) : w.release.execute({ job_id: job, date: DAY })).then(observe),
          ),
        );
        await s.waitIdle();
        await pending;

        const tally = w.store.tally(DAY);
        expect(tally.count).toBe(tally.jobIds.size);
        expect(peak).toBeLessThanOrEqual(limit);
      }),
    );
  });

  it("the seed's check-then-increment overshoots in some interleaving (the race ReserveQuota removes)", async () => {
    const outcome = await fc.check(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 4 }), async (s, jobs, limit) => {
        const w = world(s, limit);
        const pipeline = async (job_id: string) => {
          const quota = await w.check.execute();
          if (!isReached(quota)) (await w.increment.execute({ job_id }))._unsafeUnwrap();
        };

        const pending = Promise.all(Array.from({ length: jobs }, (_, i) => pipeline(`job-${i}`)));
        await s.waitIdle();
        await pending;

        expect(w.store.tally(DAY).count).toBeLessThanOrEqual(limit);
      }),
    );

    expect(outcome.failed).toBe(true);
    // It failed on the count, not on something else.
    expect(String(outcome.errorInstance)).toMatch(/to be less than or equal/);
  });
});
