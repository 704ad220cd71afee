import { ECSClient } from '@aws-sdk/client-ecs';
import { awsRequestHandler } from './awsRequestHandler.js';

let client: ECSClient | undefined;

/** The container's ECS client, created on first use (see dynamoDbClient.ts for the configuration chain). */
export function ecsClient(): ECSClient {
  return (client ??= new ECSClient({ requestHandler: awsRequestHandler({ requestTimeoutMs: 10_000 }) }));
}
