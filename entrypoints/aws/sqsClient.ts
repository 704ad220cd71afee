import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClient } from './awsRequestHandler.js';

let client: SQSClient | undefined;

/** The container's SQS client, created on first use (see dynamoDbClient.ts for the configuration chain). */
export function sqsClient(): SQSClient {
  return (client ??= awsClient(SQSClient, 5_000));
}
