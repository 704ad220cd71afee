import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countJob, emptyTally, releaseSlot, reserveSlot, type DayTally } from '../../domain/quota/DayTally.js';
import { dailyQuota, isReached } from '../../domain/quota/DailyQuota.js';

const jobIds = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { maxLength: 30 });

describe('DayTally rules', () => {
  it('countJob: the count is the number of distinct jobs, and only a first call is fresh', () => {
    fc.assert(
      fc.property(jobIds, (calls) => {
        let tally: DayTally = emptyTally('2026-02-07');
        calls.forEach((job, i) => {
          const change = countJob(tally, job);
          expect(change.result.fresh).toBe(calls.indexOf(job) === i);
          expect(change.result.count).toBe(new Set(calls.slice(0, i + 1)).size);
          tally = change.tally;
        });
        expect(tally.count).toBe(new Set(calls).size);
      }),
    );
  });

  it('reserveSlot: never above the limit; the first `limit` distinct jobs hold slots, for good', () => {
    fc.assert(
      fc.property(jobIds, fc.integer({ min: 1, max: 5 }), (calls, limit) => {
        let tally: DayTally = emptyTally('2026-02-07');
        const firstComers = [...new Set(calls)].slice(0, limit);
        for (const job of calls) {
          const r = reserveSlot(tally, job, limit);
          expect(r.isOk()).toBe(firstComers.includes(job));
          if (r.isOk()) tally = r.value.tally;
          else expect(r.error).toEqual({ type: 'QuotaExhausted', day: '2026-02-07', jobId: job, count: limit, limit });
          expect(tally.count).toBeLessThanOrEqual(limit);
        }
      }),
    );
  });

  it('reserve and release in any order: the count is the number of jobs holding a slot, never above the limit', () => {
    const step = fc.record({ op: fc.constantFrom('reserve', 'release'), job: fc.constantFrom('a', 'b', 'c', 'd', 'e') });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), (steps, limit) => {
        let tally: DayTally = emptyTally('2026-02-07');
        for (const { op, job } of steps) {
          const held = tally.jobIds.has(job);
          if (op === 'reserve') {
            const r = reserveSlot(tally, job, limit);
            expect(r.isOk()).toBe(held || tally.count < limit);
            if (r.isOk()) tally = r.value.tally;
          } else {
            const change = releaseSlot(tally, job);
            expect(change.result.released).toBe(held);
            tally = change.tally;
            expect(tally.jobIds.has(job)).toBe(false);
          }
          expect(tally.count).toBe(tally.jobIds.size);
          expect(tally.count).toBeLessThanOrEqual(limit);
        }
      }),
    );
  });

  it('does not change the tally it was given', () => {
    const before = emptyTally('2026-02-07');
    countJob(before, 'a');
    expect(reserveSlot(before, 'a', 3).isOk()).toBe(true);
    expect(before).toEqual(emptyTally('2026-02-07'));
  });

  it('rejects a limit that is not a whole number of at least one', () => {
    for (const limit of [0, -1, 2.5, Number.NaN]) {
      expect(() => reserveSlot(emptyTally('2026-02-07'), 'a', limit)).toThrow(RangeError);
    }
  });

  it('reaches the quota at the limit, as seed 003 compares (count >= limit)', () => {
    expect(isReached(dailyQuota('2026-02-07', 9, 10))).toBe(false);
    expect(isReached(dailyQuota('2026-02-07', 10, 10))).toBe(true);
    expect(isReached(dailyQuota('2026-02-07', 11, 10))).toBe(true);
  });
});
