import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ok } from 'neverthrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDailyCounters, JOB_HASH_BYTES, jobHash } from '../../adapters/dynamodb/DynamoDbDailyCounters.js';
import { countersTable } from '../../adapters/dynamodb/tables/countersTable.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { aDay, AT } from './builders.js';

/**
 * The counters table cannot fill up in a day: the day item keeps an 8-byte hash per job, not
 * the job id, so its size does not depend on how long ids are (issue 12: ~540 ids of 256
 * characters used to fill the 400 KB item, and every later count failed for the rest of the day).
 */
describe('DynamoDbDailyCounters capacity (DynamoDB Local)', () => {
  const client = localDynamoDbClient();
  let table: string;
  let counters: DynamoDbDailyCounters;

  beforeAll(async () => {
    table = await createLocalTable(client, countersTable);
    counters = new DynamoDbDailyCounters(client, table);
  });

  it('keeps 8 bytes per job in the day item, however long the ids (760-byte ids here)', async () => {
    const day = aDay();
    const ids = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(4, '0')}${'€'.repeat(252)}`);

    await Promise.all(ids.map((id) => counters.countJob(day, id, AT)));

    expect(await counters.count(day)).toEqual(100);
    expect((await counters.countJob(day, ids[0]!, AT))).toEqual({ count: 100, fresh: false });
    const item = await client.send(new GetItemCommand({ TableName: table, Key: { date: { S: day } }, ConsistentRead: true }));
    expect(item.Item?.['job_hashes']?.BS?.map((h) => h.byteLength)).toEqual(ids.map(() => JOB_HASH_BYTES));
    expect(item.Item?.['job_ids']).toBeUndefined();
  });

  it('holds 50,000 jobs in a day item and still counts the next one (a job every 1.7 s for 24 h)', async () => {
    const day = aDay();
    const hashes = Array.from({ length: 50_000 }, (_, i) => {
      const h = new Uint8Array(JOB_HASH_BYTES);
      new DataView(h.buffer).setUint32(0, i + 1);
      return h;
    });
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { date: { S: day }, count: { N: '50000' }, updated_at: { S: '2026-02-07T12:00:00Z' }, job_hashes: { BS: hashes } },
      }),
    );

    const next = await counters.countJob(day, 'job-50001', AT);

    expect(next).toEqual({ count: 50_001, fresh: true });
  });

  it('still knows the jobs an item counted before the hashes (whole ids in job_ids): a retry across the upgrade counts once', async () => {
    const day = aDay();
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { date: { S: day }, count: { N: '1' }, updated_at: { S: '2026-02-07T12:00:00Z' }, job_ids: { SS: ['job-before'] } },
      }),
    );

    expect(await counters.countJob(day, 'job-before', AT)).toEqual({ count: 1, fresh: false });
    expect(await counters.reserve(day, 'job-before', 5, AT)).toEqual(ok({ count: 1, fresh: false }));
    expect(await counters.release(day, 'job-before', AT)).toEqual({ count: 0, released: true });
    expect(await counters.countJob(day, 'job-before', AT)).toEqual({ count: 1, fresh: true });
  });

  it('hashes an id to a fixed 8 bytes, whatever its length', () => {
    expect(jobHash('a').byteLength).toBe(8);
    expect(jobHash('€'.repeat(10_000)).byteLength).toBe(8);
  });
});
