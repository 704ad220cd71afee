/**
 * `baton/aws`: the real adapters. Each takes the SDK v3 client it calls, so a service passes
 * its own (with its own credentials, region, middleware) or builds one the way Baton's Lambdas
 * do: `dynamoDbClient()`, `sfnClient()`, … (one per process, the SDK's default configuration
 * chain, per-attempt timeouts that throw, the invocation's deadline as an abort signal), or
 * `awsRequestHandler` for a client of its own with those timeouts.
 *
 * The AWS SDK clients and Powertools are peer dependencies: install the ones the adapters you
 * use import (the API report, `api/baton-aws.api.md`, lists them).
 *
 * @example
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { DynamoDbJobs, sfnClient, StepFunctionsTaskTokens } from 'baton/aws';
 * const jobs = new DynamoDbJobs(new DynamoDBClient({ region: 'eu-west-1' }), 'jobs');
 * const taskTokens = new StepFunctionsTaskTokens(sfnClient());
 *
 * @packageDocumentation
 */

// DynamoDB: adapters and the table definitions (key names fixed by the SPEC).
export { DynamoDbCallbackMappings, type DynamoDbCallbackMappingsOptions } from '../adapters/dynamodb/DynamoDbCallbackMappings.js';
export { DynamoDbJobs } from '../adapters/dynamodb/DynamoDbJobs.js';
export { DynamoDbDailyCounters } from '../adapters/dynamodb/DynamoDbDailyCounters.js';
export { DynamoDbDispatches, type DynamoDbDispatchesOptions } from '../adapters/dynamodb/DynamoDbDispatches.js';
export { callbacksTable, EXECUTION_INDEX, RECONCILE_INDEX, REDRIVE_INDEX } from '../adapters/dynamodb/tables/callbacksTable.js';
export { countersTable } from '../adapters/dynamodb/tables/countersTable.js';
export { jobsTable, UNQUEUED_INDEX } from '../adapters/dynamodb/tables/jobsTable.js';

// Step Functions, RunPod, EC2, ECS, S3, Lambda, SQS, SNS.
export { StepFunctionsTaskTokens, type StepFunctionsTaskTokensOptions } from '../adapters/stepfunctions/StepFunctionsTaskTokens.js';
export { StepFunctionsExecutions } from '../adapters/stepfunctions/StepFunctionsExecutions.js';
export { RunPodClient, RunPodUnavailableError, type RunPodClientOptions } from '../adapters/runpod/RunPodClient.js';
export { secretApiKey, type ApiKeySource } from '../adapters/runpod/secretApiKey.js';
export { Ec2SpotInstances } from '../adapters/ec2/Ec2SpotInstances.js';
export { Ec2WorkerInstances } from '../adapters/ec2/Ec2WorkerInstances.js';
export { EcsContainerTasks, type EcsContainerTasksOptions } from '../adapters/ecs/EcsContainerTasks.js';
export { S3PresignedUrls } from '../adapters/s3/S3PresignedUrls.js';
export { S3OutputUrls } from '../adapters/s3/S3OutputUrls.js';
export { S3RunArtifacts, type S3RunArtifactsOptions } from '../adapters/s3/S3RunArtifacts.js';
export { LambdaPresignedUrls } from '../adapters/lambda/LambdaPresignedUrls.js';
export { SqsJobQueue } from '../adapters/sqs/SqsJobQueue.js';
export { SnsErrorNotifications } from '../adapters/sns/SnsErrorNotifications.js';

// Logging, metrics, the system.
export { PowertoolsLog } from '../adapters/logging/PowertoolsLog.js';
export { PowertoolsMetrics } from '../adapters/logging/PowertoolsMetrics.js';
export { SystemClock } from '../adapters/system/SystemClock.js';
export { CryptoIds } from '../adapters/system/CryptoIds.js';
export { PowerOffWorkerHost, type RunCommand } from '../adapters/system/PowerOffWorkerHost.js';

// Clients built the way Baton's own Lambdas build them.
export { awsRequestHandler, DEFAULT_CONNECTION_TIMEOUT_MS, type AwsTimeouts } from '../entrypoints/aws/awsRequestHandler.js';
export { dynamoDbClient } from '../entrypoints/aws/dynamoDbClient.js';
export { ec2Client } from '../entrypoints/aws/ec2Client.js';
export { ecsClient } from '../entrypoints/aws/ecsClient.js';
export { lambdaClient } from '../entrypoints/aws/lambdaClient.js';
export { s3Client } from '../entrypoints/aws/s3Client.js';
export { secretsManagerClient } from '../entrypoints/aws/secretsManagerClient.js';
export { sfnClient } from '../entrypoints/aws/sfnClient.js';
export { snsClient } from '../entrypoints/aws/snsClient.js';
export { sqsClient } from '../entrypoints/aws/sqsClient.js';
