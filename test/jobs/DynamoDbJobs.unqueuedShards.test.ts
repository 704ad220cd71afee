import { PutCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbJobs } from '../../adapters/dynamodb/DynamoDbJobs.js';
import { LEGACY_UNQUEUED_PARTITION, toJobItem, unqueuedPartition, unqueuedPartitions, UNQUEUED_SHARDS } from '../../adapters/dynamodb/DynamoDbJobsItem.js';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { aJob, at } from './builders.js';

describe('DynamoDbJobs: the sharded `unqueued` index', () => {
  it('writes a submitted job into its shard, and the sweeper still finds jobs recorded before sharding (UNQUEUED)', async () => {
    const client = localDynamoDbClient();
    const table = await createLocalTable(client, jobsTable);
    const jobs = new DynamoDbJobs(client, table);
    const [sharded, legacy] = [aJob({ now: at(20) }), aJob({ now: at(10) })];
    (await jobs.create(sharded))._unsafeUnwrap();
    // Exactly what the code before sharding wrote.
    await DynamoDBDocumentClient.from(client).send(
      new PutCommand({ TableName: table, Item: { ...toJobItem(legacy), unqueued_pk: LEGACY_UNQUEUED_PARTITION }, ConditionExpression: 'attribute_not_exists(job_id)' }),
    );

    expect((await jobs.unqueuedBefore(at(60), 10))).toEqual([legacy.jobId, sharded.jobId]);
    await jobs.markQueued(legacy.jobId);
    expect((await jobs.unqueuedBefore(at(60), 10))).toEqual([sharded.jobId]);
  });

  it('spreads job ids over all 16 shards (FNV-1a of the id)', () => {
    const used = new Set(Array.from({ length: 500 }, (_, i) => unqueuedPartition(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)));

    expect(UNQUEUED_SHARDS).toBe(16);
    expect([...used].sort()).toEqual(unqueuedPartitions().sort());
  });
});
