import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { InMemoryDailyCounters } from '../../adapters/memory/InMemoryDailyCounters.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { SequentialIds } from '../../adapters/memory/SequentialIds.js';
import { newContainer } from '../../entrypoints/container/newContainer.js';
import { platformModule } from '../../entrypoints/container/platformModule.js';
import { Quota, quotaPortsModule, quotaUseCasesModule } from '../../entrypoints/container/quotaModule.js';
import { checkQuotaHandler } from '../../entrypoints/handlers/checkQuota.js';
import { incrementCounterHandler } from '../../entrypoints/handlers/incrementCounter.js';
import { releaseQuotaHandler } from '../../entrypoints/handlers/releaseQuota.js';
import { reserveQuotaHandler } from '../../entrypoints/handlers/reserveQuota.js';

/** The use-cases and handlers, wired by the composition root onto in-memory adapters. */
function aQuotaWorld(dailyQuota = 2, at = '2026-02-07T23:59:59Z') {
  const counters = new InMemoryDailyCounters();
  const clock = new ManualClock(at);
  const log = new RecordingLog();
  const metrics = new InMemoryMetrics();
  const container = newContainer();
  container.load(
    platformModule({ clock, ids: new SequentialIds(), log, metrics }),
    quotaPortsModule({ counters }),
    quotaUseCasesModule({ dailyQuota }),
  );
  return {
    counters,
    clock,
    log,
    metrics,
    check: container.get(Quota.CheckQuota),
    increment: container.get(Quota.IncrementCounter),
    reserve: container.get(Quota.ReserveQuota),
    release: container.get(Quota.ReleaseQuota),
  };
}

describe('CheckQuota', () => {
  it('reports the quota reached once the count is at the limit, and counts that', async () => {
    const w = aQuotaWorld(2);
    (await w.increment.execute({ job_id: 'a' }))._unsafeUnwrap();
    (await w.increment.execute({ job_id: 'b' }))._unsafeUnwrap();

    const quota = await w.check.execute();

    expect(quota).toEqual({ day: '2026-02-07', count: 2, limit: 2 });
    expect(w.metrics.get('DailyQuotaReached')).toBe(1);
    expect(w.log.records.at(-1)).toMatchObject({
      message: 'Daily quota checked',
      fields: { date: '2026-02-07', daily_count: 2, daily_quota: 2, quota_reached: true },
    });
  });

  it('starts a new UTC day at midnight', async () => {
    const w = aQuotaWorld(2);
    (await w.increment.execute({ job_id: 'a' }))._unsafeUnwrap();
    w.clock.advanceSeconds(1);

    expect(await w.check.execute()).toEqual({ day: '2026-02-08', count: 0, limit: 2 });
  });
});

describe('IncrementCounter', () => {
  it('counts a job, and answers a retry with the same count, logging which happened', async () => {
    const w = aQuotaWorld();

    const first = await w.increment.execute({ job_id: 'job-abc123' });
    const retry = await w.increment.execute({ job_id: 'job-abc123' });

    expect(first).toEqual(ok({ day: '2026-02-07', jobId: 'job-abc123', count: 1, fresh: true }));
    expect(retry).toEqual(ok({ day: '2026-02-07', jobId: 'job-abc123', count: 1, fresh: false }));
    expect(w.log.messages()).toEqual(['Daily counter incremented', 'Job already counted today, counter unchanged']);
    expect(w.log.records[0]!.fields).toMatchObject({ job_id: 'job-abc123', date: '2026-02-07', daily_count: 1 });
    expect([w.metrics.get('JobsCounted'), w.metrics.get('RepeatedCountsIgnored')]).toEqual([1, 1]);
  });

  it.each([
    [{}, 'job_id', 'is required'],
    [null, '', 'must be an object with a job_id'],
    [{ job_id: 42 }, 'job_id', 'must be a string'],
    [{ job_id: '   ' }, 'job_id', 'must not be empty'],
    [{ job_id: 'x'.repeat(257) }, 'job_id', 'must be at most 256 characters'],
  ])('refuses %j without touching the counter', async (input, field, message) => {
    const w = aQuotaWorld();

    expect(await w.increment.execute(input)).toEqual(err({ type: 'InvalidInput', issues: [{ field, message }] }));
    expect(w.counters.calls.countJob).toBe(0);
  });
});

describe('ReserveQuota', () => {
  it('refuses a job once the day is full, as a value the handler turns into reserved: false', async () => {
    const w = aQuotaWorld(1);
    (await w.reserve.execute({ job_id: 'a' }))._unsafeUnwrap();

    const refused = await w.reserve.execute({ job_id: 'b' });

    expect(refused).toEqual(err({ type: 'QuotaExhausted', day: '2026-02-07', jobId: 'b', count: 1, limit: 1 }));
    expect(w.metrics.get('QuotaReservationsRefused')).toBe(1);
    expect(await reserveQuotaHandler(w.reserve)({ job_id: 'b' })).toEqual({
      reserved: false,
      daily_count: 1,
      daily_quota: 1,
      date: '2026-02-07',
      job_id: 'b',
    });
  });
});

describe('ReleaseQuota', () => {
  it('gives back the slot of the day it was reserved on, even after midnight', async () => {
    const w = aQuotaWorld(1, '2026-02-07T23:59:00Z');
    (await w.reserve.execute({ job_id: 'a' }))._unsafeUnwrap();
    w.clock.advanceSeconds(600);

    const released = await w.release.execute({ job_id: 'a', date: '2026-02-07' });

    expect(released).toEqual(ok({ day: '2026-02-07', jobId: 'a', count: 0, released: true }));
    expect(w.counters.tally('2026-02-07').count).toBe(0);
    expect(w.metrics.get('QuotaSlotsReleased')).toBe(1);
    expect(await releaseQuotaHandler(w.release)({ job_id: 'a', date: '2026-02-07' })).toEqual({
      released: false,
      daily_count: 0,
      date: '2026-02-07',
      job_id: 'a',
    });
  });

  it.each([
    [{ job_id: 'a' }, 'date', 'is required'],
    [{ job_id: 'a', date: '07/02/2026' }, 'date', 'must be a UTC calendar day, YYYY-MM-DD'],
    [{ job_id: 'a', date: '2026-02-30' }, 'date', 'must be a UTC calendar day, YYYY-MM-DD'],
    [{ date: '2026-02-07' }, 'job_id', 'is required'],
  ])('refuses %j', async (input, field, message) => {
    const w = aQuotaWorld();

    expect(await w.release.execute(input)).toEqual(err({ type: 'InvalidInput', issues: [{ field, message }] }));
    expect(w.counters.calls.release).toBe(0);
  });
});

describe('quota handlers', () => {
  it('map results to seed 003\'s shapes', async () => {
    const w = aQuotaWorld(3);

    expect(await reserveQuotaHandler(w.reserve)({ job_id: 'a' })).toEqual({
      reserved: true,
      daily_count: 1,
      daily_quota: 3,
      date: '2026-02-07',
      job_id: 'a',
    });
    expect(await incrementCounterHandler(w.increment)({ job_id: 'b' })).toEqual({ daily_count: 2, date: '2026-02-07', job_id: 'b' });
    expect(await checkQuotaHandler(w.check)({})).toEqual({ quota_reached: false, daily_count: 2, daily_quota: 3 });
  });

  it('throw InvalidInput, with the issues as details, for bad input', async () => {
    const w = aQuotaWorld();

    await expect(incrementCounterHandler(w.increment)({ job_id: 7 })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: 'job_id: must be a string',
      details: [{ field: 'job_id', message: 'must be a string' }],
    });
  });
});
