import { SFNClient } from '@aws-sdk/client-sfn';

let client: SFNClient | undefined;

/** The container's Step Functions client (see dynamoDbClient.ts for the configuration chain). */
export function sfnClient(): SFNClient {
  return (client ??= new SFNClient({}));
}
