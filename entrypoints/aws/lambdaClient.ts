import { LambdaClient } from '@aws-sdk/client-lambda';
import { awsClient } from './awsRequestHandler.js';

let client: LambdaClient | undefined;

/** The container's Lambda client, created on first use (see dynamoDbClient.ts for the configuration chain). */
export function lambdaClient(): LambdaClient {
  return (client ??= awsClient(LambdaClient, 15_000));
}
