import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

let client: DynamoDBClient | undefined;

/**
 * The container's DynamoDB client, created on first use. AWS clients use the SDK's default
 * configuration chain, so `AWS_REGION` and `AWS_ENDPOINT_URL(_DYNAMODB)` point them at a
 * local engine. One file per client, so a bundle carries only the clients its handler uses.
 */
export function dynamoDbClient(): DynamoDBClient {
  return (client ??= new DynamoDBClient({}));
}
