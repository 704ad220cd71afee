import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbDailyCounters, jobHash } from '../../adapters/dynamodb/DynamoDbDailyCounters.js';
import { countersTable } from '../../adapters/dynamodb/tables/countersTable.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { IncrementCounter } from '../../application/quota/IncrementCounter.js';
import { ReserveQuota } from '../../application/quota/ReserveQuota.js';
import { LOCAL_AWS } from '../support/dynamoDbLocal.js';
import { createLocalTable } from '../support/localTables.js';

/** SPEC item 5 on a real engine: the quota cannot be overshot, a retried count does not count twice. */
describe('DynamoDbDailyCounters under concurrency (DynamoDB Local)', () => {
  // Enough sockets that the requests really are in flight together, not queued in the SDK.
  const client = new DynamoDBClient({
    ...LOCAL_AWS,
    endpoint: inject('dynamoDbEndpoint'),
    requestHandler: { httpAgent: { maxSockets: 250 } },
  });
  let table: string;
  let counters: DynamoDbDailyCounters;

  beforeAll(async () => {
    table = await createLocalTable(client, countersTable);
    counters = new DynamoDbDailyCounters(client, table);
  });

  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  const hexSet = (jobIds: string[]) => new Set(jobIds.map((id) => hex(jobHash(id))));
  const hashesOf = (item: Record<string, unknown> | undefined) => new Set([...((item?.['job_hashes'] as Set<Uint8Array>) ?? [])].map(hex));

  async function dayItem(day: string) {
    const out = await client.send(new GetItemCommand({ TableName: table, Key: { date: { S: day } }, ConsistentRead: true }));
    return out.Item && unmarshall(out.Item);
  }

  it('lets exactly 10 of 500 concurrent reservations succeed with limit 10', async () => {
    const clock = new ManualClock('2026-03-01T09:00:00Z');
    const reserve = new ReserveQuota({ counters, clock, log: new RecordingLog(), metrics: new InMemoryMetrics() }, { dailyQuota: 10 });

    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => reserve.execute({ job_id: `job-${i}` })));

    const winners = results.filter((r) => r.isOk()).map((r) => r._unsafeUnwrap());
    const refused = results.filter((r) => r.isErr()).map((r) => r._unsafeUnwrapErr());
    expect(winners).toHaveLength(10);
    expect(new Set(winners.map((w) => w.count))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(refused.every((e) => e.type === 'QuotaExhausted' && e.count === 10)).toBe(true);
    const item = await dayItem('2026-03-01');
    expect(item?.['count']).toBe(10);
    expect(hashesOf(item)).toEqual(hexSet(winners.map((w) => w.jobId)));
  });

  it('raises the count by exactly 1 for 200 concurrent increments of the same job_id', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const increment = new IncrementCounter({ counters, clock, log: new RecordingLog(), metrics: new InMemoryMetrics() });
    for (const job of ['job-earlier-1', 'job-earlier-2', 'job-earlier-3']) (await increment.execute({ job_id: job }))._unsafeUnwrap();

    const results = await Promise.all(Array.from({ length: 200 }, () => increment.execute({ job_id: 'job-abc123' })));

    const answers = results.map((r) => r._unsafeUnwrap());
    expect(answers.filter((a) => a.fresh)).toHaveLength(1);
    expect(answers.every((a) => a.count === 4)).toBe(true);
    expect((await dayItem('2026-03-02'))?.['count']).toBe(4);
  });

  it('lowers the count by exactly 1 for 100 concurrent releases of the same job_id', async () => {
    const day = '2026-03-04';
    for (const job of ['job-a', 'job-b', 'job-c']) (await counters.reserve(day, job, 10, new Date()))._unsafeUnwrap();

    const results = await Promise.all(Array.from({ length: 100 }, () => counters.release(day, 'job-b', new Date())));

    expect(results.filter((r) => r.released)).toHaveLength(1);
    expect(results.every((r) => r.count === 2)).toBe(true);
    expect(hashesOf(await dayItem(day))).toEqual(hexSet(['job-a', 'job-c']));
  });

  it('keeps a mixed crowd honest: 300 reservations of 60 jobs (each 5 times) with limit 25', async () => {
    const clock = new ManualClock('2026-03-03T09:00:00Z');
    const reserve = new ReserveQuota({ counters, clock, log: new RecordingLog(), metrics: new InMemoryMetrics() }, { dailyQuota: 25 });

    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => reserve.execute({ job_id: `job-${i % 60}` })));

    const byJob = new Map<string, boolean[]>();
    results.forEach((r, i) => byJob.set(`job-${i % 60}`, [...(byJob.get(`job-${i % 60}`) ?? []), r.isOk()]));
    const holders = [...byJob].filter(([, answers]) => answers.some(Boolean));
    expect(holders).toHaveLength(25);
    // A job either holds a slot (every attempt says so) or never got one.
    expect([...byJob.values()].every((answers) => answers.every((a) => a === answers[0]))).toBe(true);
    expect(results.filter((r) => r.isOk() && r.value.fresh)).toHaveLength(25);
    expect((await dayItem('2026-03-03'))?.['count']).toBe(25);
  });
});
