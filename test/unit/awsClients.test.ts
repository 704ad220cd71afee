import { describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../entrypoints/aws/dynamoDbClient.js';
import { ec2Client } from '../../entrypoints/aws/ec2Client.js';
import { ecsClient } from '../../entrypoints/aws/ecsClient.js';
import { lambdaClient } from '../../entrypoints/aws/lambdaClient.js';
import { s3Client } from '../../entrypoints/aws/s3Client.js';
import { secretsManagerClient } from '../../entrypoints/aws/secretsManagerClient.js';
import { sfnClient } from '../../entrypoints/aws/sfnClient.js';
import { snsClient } from '../../entrypoints/aws/snsClient.js';
import { sqsClient } from '../../entrypoints/aws/sqsClient.js';

const factories = { dynamoDbClient, ec2Client, ecsClient, lambdaClient, s3Client, secretsManagerClient, sfnClient, snsClient, sqsClient };

describe("Baton's AWS clients", () => {
  it.each(Object.entries(factories))('%s runs no SDK logger middleware, and keeps retries and signing', (_name, make) => {
    const stack = make().middlewareStack.identify();
    expect(stack.some((m) => m.startsWith('loggerMiddleware'))).toBe(false);
    expect(stack.some((m) => m.startsWith('retryMiddleware'))).toBe(true);
    expect(stack.some((m) => m.startsWith('httpSigningMiddleware'))).toBe(true);
  });

  it('is one client per process', () => {
    expect(sfnClient()).toBe(sfnClient());
  });
});
