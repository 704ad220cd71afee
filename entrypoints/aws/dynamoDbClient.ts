import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClient } from './awsRequestHandler.js';

let client: DynamoDBClient | undefined;

/**
 * The container's DynamoDB client, created on first use. AWS clients use the SDK's default
 * configuration chain, so `AWS_REGION` and `AWS_ENDPOINT_URL(_DYNAMODB)` point them at a
 * local engine. Every client gets its timeouts and the invocation's deadline from
 * `awsClient` (timeouts per attempt: DynamoDB, SQS, SNS, Step Functions 5 s; ECS, EC2,
 * S3 10 s; Lambda 15 s; connection 2 s). One file per client, so a bundle carries only the clients its handler uses.
 */
export function dynamoDbClient(): DynamoDBClient {
  return (client ??= awsClient(DynamoDBClient, 5_000));
}
