import type { CreateTableInput } from '@aws-sdk/client-dynamodb';

/**
 * Callback mappings (seeds 000/001), key `callback_token`.
 * `redrive` is a sparse index: only mappings that were accepted but not yet resumed carry
 * `redrive_pk`, so the redrive handler queries exactly the outstanding work, never scans.
 */
export const REDRIVE_INDEX = 'redrive';

export function callbacksTable(tableName = 'baton-callbacks'): CreateTableInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'callback_token', KeyType: 'HASH' }],
    AttributeDefinitions: [
      { AttributeName: 'callback_token', AttributeType: 'S' },
      { AttributeName: 'redrive_pk', AttributeType: 'S' },
      { AttributeName: 'accepted_at', AttributeType: 'S' },
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
    ],
  };
}
