import { ECSClient } from '@aws-sdk/client-ecs';
import { awsClient } from './awsRequestHandler.js';

let client: ECSClient | undefined;

/** The container's ECS client, created on first use (see dynamoDbClient.ts for the configuration chain). */
export function ecsClient(): ECSClient {
  return (client ??= awsClient(ECSClient, 10_000));
}
