import { S3Client } from '@aws-sdk/client-s3';

let client: S3Client | undefined;

/** The container's S3 client, created on first use (see dynamoDbClient.ts for the configuration chain). */
export function s3Client(): S3Client {
  return (client ??= new S3Client({}));
}
