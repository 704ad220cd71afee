import type { CreateTableInput } from '@aws-sdk/client-dynamodb';

/**
 * Daily counters (seed 003), key `date` (`YYYY-MM-DD`, UTC). One item per day: seed 003's
 * `count` (N) and `updated_at` (S), plus `job_hashes` (BS), an 8-byte hash of each job that
 * makes the count, so one conditional UpdateItem can count a job once per day and bound
 * reservations by the quota (see `DynamoDbDailyCounters`; about 50,000 jobs fit in a day). No TTL: a day's item is the history of that day.
 */
export function countersTable(tableName = 'baton-counters'): CreateTableInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'date', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'date', AttributeType: 'S' }],
  };
}
