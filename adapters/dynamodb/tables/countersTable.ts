import type { CreateTableInput } from '@aws-sdk/client-dynamodb';

/** Daily counters (seed 003), key `date` (`YYYY-MM-DD`, UTC). */
export function countersTable(tableName = 'baton-counters'): CreateTableInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'date', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'date', AttributeType: 'S' }],
  };
}
