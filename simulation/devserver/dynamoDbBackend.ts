import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { CallbackMappings } from '../../application/ports/CallbackMappings.js';
import type { Jobs } from '../../application/ports/Jobs.js';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { DynamoDbJobs } from '../../adapters/dynamodb/DynamoDbJobs.js';
import { callbacksTable, jobsTable } from '../../adapters/dynamodb/tables/index.js';

/** Never real credentials: DynamoDB Local accepts any. */
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } as const;

export interface DynamoDbBackend {
  readonly mappings: CallbackMappings;
  readonly jobs: Jobs;
  readonly tables: { readonly callbacks: string; readonly jobs: string };
  close(): void;
}

/**
 * The dev server's stores on a DynamoDB endpoint (DynamoDB Local): the callbacks and jobs
 * tables created from the library's own definitions (left as they are if they exist), read
 * and written by the real DynamoDB adapters.
 *
 * @example
 * const backend = await dynamoDbBackend('http://127.0.0.1:8000');
 * callbackRoutes(ctx, { mappings: backend.mappings });
 */
export async function dynamoDbBackend(endpoint: string, prefix = 'baton-dev'): Promise<DynamoDbBackend> {
  const client = new DynamoDBClient({ ...LOCAL, endpoint });
  const tables = { callbacks: `${prefix}-callbacks`, jobs: `${prefix}-jobs` };
  for (const input of [callbacksTable(tables.callbacks), jobsTable(tables.jobs)]) {
    try {
      await client.send(new CreateTableCommand(input));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  return {
    mappings: new DynamoDbCallbackMappings(client, tables.callbacks),
    jobs: new DynamoDbJobs(client, tables.jobs),
    tables,
    close: () => client.destroy(),
  };
}
