import { EC2Client } from '@aws-sdk/client-ec2';
import { awsRequestHandler } from './awsRequestHandler.js';

let client: EC2Client | undefined;

/** The container's EC2 client, created on first use (see dynamoDbClient.ts for the configuration chain). */
export function ec2Client(): EC2Client {
  return (client ??= new EC2Client({ requestHandler: awsRequestHandler({ requestTimeoutMs: 10_000 }) }));
}
