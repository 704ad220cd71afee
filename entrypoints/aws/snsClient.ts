import { SNSClient } from '@aws-sdk/client-sns';
import { awsClient } from './awsRequestHandler.js';

let client: SNSClient | undefined;

/** The container's SNS client, created on first use (see dynamoDbClient.ts for the configuration chain). */
export function snsClient(): SNSClient {
  return (client ??= awsClient(SNSClient, 5_000));
}
