import type { CreateTableInput } from '@aws-sdk/client-dynamodb';

/**
 * `unqueued` is a sparse index: only jobs recorded `submitted` whose queue message was never
 * confirmed carry `unqueued_pk`, so the `job-sweeper` finds the jobs a crash left between the
 * record and the send without a scan. Every status change and the send's confirmation remove it.
 * Its key is sharded (`UNQUEUED#0..15`, DynamoDbJobsItem.ts `unqueuedPartition`), so no index
 * partition takes every submit; the sweeper reads every shard, and the legacy `UNQUEUED`, at once.
 */
export const UNQUEUED_INDEX = 'unqueued';

/** Jobs (seed 002 job API, 003 handle-error, 004 ECS dispatch), key `job_id`. */
export function jobsTable(tableName = 'baton-jobs'): CreateTableInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'job_id', KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: 'job_id', AttributeType: 'S' },
      { AttributeName: 'unqueued_pk', AttributeType: 'S' },
      { AttributeName: 'submitted_at', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: UNQUEUED_INDEX,
        KeySchema: [
          { AttributeName: 'unqueued_pk', KeyType: 'HASH' },
          { AttributeName: 'submitted_at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}
