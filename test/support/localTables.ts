import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  type CreateTableInput,
} from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { TTL_ATTRIBUTE } from '../../adapters/dynamodb/tables/index.js';
import { LOCAL_AWS } from './dynamoDbLocal.js';

/** A client for the suite's DynamoDB Local (started once by the global setup). */
export function localDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({ ...LOCAL_AWS, endpoint: inject('dynamoDbEndpoint') });
}

/** Creates a table from a Baton definition under a fresh name, with TTL on, and returns that name. */
export async function createLocalTable(
  client: DynamoDBClient,
  definition: (name: string) => CreateTableInput,
): Promise<string> {
  const name = `t-${randomUUID()}`;
  await client.send(new CreateTableCommand(definition(name)));
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
  return name;
}
