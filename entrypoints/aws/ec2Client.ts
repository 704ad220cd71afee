import { EC2Client } from '@aws-sdk/client-ec2';
import { awsClient } from './awsRequestHandler.js';

let client: EC2Client | undefined;

/** The container's EC2 client, created on first use (see dynamoDbClient.ts for the configuration chain). */
export function ec2Client(): EC2Client {
  return (client ??= awsClient(EC2Client, 10_000));
}
