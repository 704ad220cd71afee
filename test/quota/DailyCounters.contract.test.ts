import { err, ok } from 'neverthrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DailyCounters } from '../../application/ports/DailyCounters.js';
import { DynamoDbDailyCounters } from '../../adapters/dynamodb/DynamoDbDailyCounters.js';
import { InMemoryDailyCounters } from '../../adapters/memory/InMemoryDailyCounters.js';
import { countersTable } from '../../adapters/dynamodb/tables/countersTable.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { aDay, aJobId, AT } from './builders.js';

type Factory = () => Promise<DailyCounters>;

const adapters: [string, Factory][] = [
  ['InMemoryDailyCounters', async () => new InMemoryDailyCounters()],
  [
    'DynamoDbDailyCounters (DynamoDB Local)',
    async () => {
      const client = localDynamoDbClient();
      return new DynamoDbDailyCounters(client, await createLocalTable(client, countersTable));
    },
  ],
];

describe.each(adapters)('DailyCounters contract: %s', (_name, make) => {
  let counters: DailyCounters;
  beforeAll(async () => {
    counters = await make();
  });

  it('counts 0 for a day nobody counted', async () => {
    expect(await counters.count(aDay())).toEqual(0);
  });

  it('counts each new job once, returning the count after', async () => {
    const day = aDay();

    const first = await counters.countJob(day, aJobId(), AT);
    const second = await counters.countJob(day, aJobId(), AT);

    expect(first).toEqual({ count: 1, fresh: true });
    expect(second).toEqual({ count: 2, fresh: true });
    expect(await counters.count(day)).toEqual(2);
  });

  it('does not count a job twice on the same day, answering with the current count', async () => {
    const day = aDay();
    const job = aJobId();
    await counters.countJob(day, job, AT);
    await counters.countJob(day, aJobId(), AT);

    const retry = await counters.countJob(day, job, AT);

    expect(retry).toEqual({ count: 2, fresh: false });
    expect(await counters.count(day)).toEqual(2);
  });

  it('keeps days apart: the same job counts once on each day', async () => {
    const [monday, tuesday] = [aDay(), aDay()];
    const job = aJobId();

    await counters.countJob(monday, job, AT);
    const next = await counters.countJob(tuesday, job, AT);

    expect(next).toEqual({ count: 1, fresh: true });
    expect(await counters.count(monday)).toEqual(1);
  });

  it('reserves slots while the count is below the limit', async () => {
    const day = aDay();

    const results = [];
    for (let i = 0; i < 3; i += 1) results.push(await counters.reserve(day, `job-${i}`, 3, AT));

    expect(results).toEqual([ok({ count: 1, fresh: true }), ok({ count: 2, fresh: true }), ok({ count: 3, fresh: true })]);
  });

  it('refuses a new job once the limit is reached, saying how full the day is', async () => {
    const day = aDay();
    (await counters.reserve(day, 'job-a', 2, AT))._unsafeUnwrap();
    (await counters.reserve(day, 'job-b', 2, AT))._unsafeUnwrap();

    const refused = await counters.reserve(day, 'job-c', 2, AT);

    expect(refused).toEqual(err({ type: 'QuotaExhausted', day, jobId: 'job-c', count: 2, limit: 2 }));
    expect(await counters.count(day)).toEqual(2);
  });

  it('lets a job that holds a slot reserve again (a retry), even when the day is full', async () => {
    const day = aDay();
    (await counters.reserve(day, 'job-a', 1, AT))._unsafeUnwrap();

    const retry = await counters.reserve(day, 'job-a', 1, AT);

    expect(retry).toEqual(ok({ count: 1, fresh: false }));
  });

  it('shares one job set between reserving and counting: a reserved job is not counted again', async () => {
    const day = aDay();
    (await counters.reserve(day, 'job-a', 5, AT))._unsafeUnwrap();

    const counted = await counters.countJob(day, 'job-a', AT);

    expect(counted).toEqual({ count: 1, fresh: false });
  });

  it('lets counting (no limit) go past a limit that reservations respect', async () => {
    const day = aDay();
    await counters.countJob(day, 'job-a', AT);
    await counters.countJob(day, 'job-b', AT);

    expect(await counters.reserve(day, 'job-c', 2, AT)).toEqual(
      err({ type: 'QuotaExhausted', day, jobId: 'job-c', count: 2, limit: 2 }),
    );
    expect(await counters.countJob(day, 'job-c', AT)).toEqual({ count: 3, fresh: true });
  });

  it('refuses a limit that is not a whole number of at least one', () => {
    expect(() => counters.reserve(aDay(), 'job-a', 0, AT)).toThrow(RangeError);
    expect(() => counters.reserve(aDay(), 'job-a', 1.5, AT)).toThrow(RangeError);
  });

  it('treats job ids as exact strings (case and spaces matter)', async () => {
    const day = aDay();
    await counters.countJob(day, 'Job-A', AT);

    expect(await counters.countJob(day, 'job-a', AT)).toEqual({ count: 2, fresh: true });
    expect(await counters.countJob(day, ' Job-A', AT)).toEqual({ count: 3, fresh: true });
  });

  it('releases a slot once: the job leaves the count, and a retried release changes nothing', async () => {
    const day = aDay();
    (await counters.reserve(day, 'job-a', 2, AT))._unsafeUnwrap();
    (await counters.reserve(day, 'job-b', 2, AT))._unsafeUnwrap();

    const released = await counters.release(day, 'job-a', AT);
    const again = await counters.release(day, 'job-a', AT);

    expect(released).toEqual({ count: 1, released: true });
    expect(again).toEqual({ count: 1, released: false });
    expect(await counters.reserve(day, 'job-c', 2, AT)).toEqual(ok({ count: 2, fresh: true }));
  });

  it('releases nothing for a job that holds no slot, or on a day nobody counted', async () => {
    const day = aDay();
    await counters.countJob(day, 'job-a', AT);

    expect(await counters.release(day, 'job-z', AT)).toEqual({ count: 1, released: false });
    expect(await counters.release(aDay(), 'job-a', AT)).toEqual({ count: 0, released: false });
  });

  it('lets a released job reserve again', async () => {
    const day = aDay();
    (await counters.reserve(day, 'job-a', 1, AT))._unsafeUnwrap();
    await counters.release(day, 'job-a', AT);

    expect(await counters.reserve(day, 'job-a', 1, AT)).toEqual(ok({ count: 1, fresh: true }));
  });

  it('releases the last job of a day down to zero', async () => {
    const day = aDay();
    (await counters.reserve(day, 'job-a', 1, AT))._unsafeUnwrap();

    expect(await counters.release(day, 'job-a', AT)).toEqual({ count: 0, released: true });
    expect(await counters.count(day)).toEqual(0);
    expect(await counters.countJob(day, 'job-a', AT)).toEqual({ count: 1, fresh: true });
  });

  it('lets exactly `limit` of 40 concurrent reservations of different jobs succeed', async () => {
    const day = aDay();

    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => counters.reserve(day, `job-${i}`, 7, AT)));

    expect(results.filter((r) => r.isOk())).toHaveLength(7);
    expect(await counters.count(day)).toEqual(7);
  });
});
