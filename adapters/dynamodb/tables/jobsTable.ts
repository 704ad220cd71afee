import type { CreateTableInput } from '@aws-sdk/client-dynamodb';

/** Jobs (seed 002 job API, 003 handle-error, 004 ECS dispatch), key `job_id`. */
export function jobsTable(tableName = 'baton-jobs'): CreateTableInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'job_id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'job_id', AttributeType: 'S' }],
  };
}
