import type { CreateTableInput } from '@aws-sdk/client-dynamodb';

/**
 * Callback mappings (seeds 000/001), key `callback_token`. Two sparse indexes, so the
 * scheduled handlers query exactly their outstanding work and never scan:
 * - `redrive`: only mappings accepted but not yet resumed carry `redrive_pk` (sort `accepted_at`);
 * - `reconcile`: only PENDING mappings of the RunPod channel carry `reconcile_pk` (sort
 *   `created_at`); Spot-worker mappings never do, since their `job_id` is not a RunPod id.
 * A third, `execution`, holds every mapping written with an `execution_arn`, so the end of an
 * execution finds its work in one query.
 * The first two are sharded: their partition key is `ACCEPTED#n` / `PENDING#n`, n = FNV-1a of the
 * token mod `CALLBACK_INDEX_SHARDS` (callbackItem.ts), so no index partition takes every write;
 * readers query every shard, and the unsharded `ACCEPTED` / `PENDING` of older writers, at once.
 */
export const REDRIVE_INDEX = 'redrive';
export const RECONCILE_INDEX = 'reconcile';
/** Mappings by the execution that waits on them (`execution_arn`, when the task input named it). */
export const EXECUTION_INDEX = 'execution';

export function callbacksTable(tableName = 'baton-callbacks'): CreateTableInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'callback_token', KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: 'callback_token', AttributeType: 'S' },
      { AttributeName: 'redrive_pk', AttributeType: 'S' },
      { AttributeName: 'accepted_at', AttributeType: 'S' },
      { AttributeName: 'reconcile_pk', AttributeType: 'S' },
      { AttributeName: 'created_at', AttributeType: 'S' },
      { AttributeName: 'execution_arn', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: REDRIVE_INDEX,
        KeySchema: [
          { AttributeName: 'redrive_pk', KeyType: 'HASH' },
          { AttributeName: 'accepted_at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: RECONCILE_INDEX,
        KeySchema: [
          { AttributeName: 'reconcile_pk', KeyType: 'HASH' },
          { AttributeName: 'created_at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: EXECUTION_INDEX,
        KeySchema: [
          { AttributeName: 'execution_arn', KeyType: 'HASH' },
          { AttributeName: 'created_at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}
