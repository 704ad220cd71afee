import { SFNClient } from '@aws-sdk/client-sfn';
import { awsClient } from './awsRequestHandler.js';

let client: SFNClient | undefined;

/** The container's Step Functions client (see dynamoDbClient.ts for the configuration chain). */
export function sfnClient(): SFNClient {
  return (client ??= awsClient(SFNClient, 5_000));
}
