import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, type CreateTableInput } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { LOCAL_AWS } from './dynamoDbLocal.js';

/** A client for the suite's DynamoDB Local (started once by the global setup). */
export function localDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({ ...LOCAL_AWS, endpoint: inject('dynamoDbEndpoint') });
}

/**
 * Creates a table from a Baton definition under a fresh name and returns that name.
 * TTL is deliberately left off: DynamoDB Local's TTL sweeper really deletes expired items,
 * and test data dated in the past (fixed clocks) would vanish mid-test at random. Items still
 * carry their `ttl` attribute, which the tests assert.
 */
export async function createLocalTable(
  client: DynamoDBClient,
  definition: (name: string) => CreateTableInput,
): Promise<string> {
  const name = `t-${randomUUID()}`;
  await client.send(new CreateTableCommand(definition(name)));
  return name;
}
