import { SFNClient } from '@aws-sdk/client-sfn';
import { awsRequestHandler } from './awsRequestHandler.js';

let client: SFNClient | undefined;

/** The container's Step Functions client (see dynamoDbClient.ts for the configuration chain). */
export function sfnClient(): SFNClient {
  return (client ??= new SFNClient({ requestHandler: awsRequestHandler({ requestTimeoutMs: 5_000 }) }));
}
