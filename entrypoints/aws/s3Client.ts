import { S3Client } from '@aws-sdk/client-s3';
import { awsClient } from './awsRequestHandler.js';

let client: S3Client | undefined;

/** The container's S3 client, created on first use (see dynamoDbClient.ts for the configuration chain). */
export function s3Client(): S3Client {
  return (client ??= awsClient(S3Client, 10_000));
}
