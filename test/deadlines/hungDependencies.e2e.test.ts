import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { DynamoDbDispatches } from '../../adapters/dynamodb/DynamoDbDispatches.js';
import { DynamoDbJobs } from '../../adapters/dynamodb/DynamoDbJobs.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import { tokenFor } from '../../adapters/system/tokenFor.js';
import { WORKER_CALLBACK_TOKEN_SCOPE } from '../../application/launch/LaunchWorker.js';
import { aSpec } from '../jobs/builders.js';
import { httpApiEvent } from '../support/apiGatewayEvents.js';
import { captureHandlerLogs } from '../support/captureHandlerLogs.js';
import { contextWithRemaining, startHungServer, type HungServer } from '../support/hungServer.js';
import { loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { useLocalAws } from '../support/localAwsEnv.js';

/**
 * The built bundles against dependencies that accept a request and never answer. Each
 * handler must answer before its invocation's time is up (12 s here: 2 s of it are the clean-up
 * budget, room for DynamoDB Local on a busy machine), in the way its trigger understands, with
 * its records left in a state the README promises.
 */
const REMAINING_MS = 12_000;

let hung: HungServer;
let hungRunPod: HungServer;
let jobs: DynamoDbJobs;
let mappings: DynamoDbCallbackMappings;
let dispatches: DynamoDbDispatches;
let jobsTableName: string;
let submitJob: BundledHandler;
let submitRunPod: BundledHandler;
let dispatch: BundledHandler;
let startRenderer: BundledHandler;
let logs: ReturnType<typeof captureHandlerLogs>;
const db = localDynamoDbClient();

beforeAll(async () => {
  [hung, hungRunPod] = await Promise.all([startHungServer(), startHungServer()]);
  [jobsTableName] = await Promise.all([createLocalTable(db, jobsTable)]);
  const callbacks = await createLocalTable(db, callbacksTable);
  const dispatchTable = await createLocalTable(db, jobsTable);
  jobs = new DynamoDbJobs(db, jobsTableName);
  mappings = new DynamoDbCallbackMappings(db, callbacks);
  dispatches = new DynamoDbDispatches(db, dispatchTable);
  useLocalAws(
    { SQS: hung.endpoint, ECS: hung.endpoint, EC2: hung.endpoint },
    {
      DYNAMODB_JOBS_TABLE: jobsTableName,
      SQS_JOB_QUEUE_URL: `${hung.endpoint}/000000000000/jobs`,
      S3_BUCKET_NAME: 'video-outputs',
      CALLBACK_TABLE_NAME: callbacks,
      WEBHOOK_BASE_URL: 'https://api.example.com/webhook/',
      RUNPOD_ENDPOINT_URL: `${hungRunPod.endpoint}/v2/endpoint-1/run`,
      RUNPOD_API_KEY: 'rp_live_secret_key_0123456789',
      BUCKET_NAME: 'my-bucket',
      DDB_TABLE: dispatchTable,
      ECS_CLUSTER: 'recorders',
      ECS_TASK_DEF: 'arn:aws:ecs:us-east-1:123456789012:task-definition/recorder:3',
      S3_BUCKET: 'recordings-bucket',
      CONTAINER_NAME: 'recorder',
      RENDERER_AMI_ID: 'ami-0123456789abcdef0',
      RENDERER_SECURITY_GROUP_ID: 'sg-1111',
      RENDERER_SUBNET_ID: 'subnet-a',
      RENDERER_IAM_INSTANCE_PROFILE: 'manga-worker',
      LOG_LEVEL: 'INFO',
    },
  );
  logs = captureHandlerLogs();
  [submitJob, submitRunPod, dispatch, startRenderer] = await Promise.all([
    loadBundle('submit-job'),
    loadBundle('submit-runpod-job'),
    loadBundle('dispatch-to-ecs'),
    loadBundle('start-renderer'),
  ]);
});

afterAll(async () => {
  logs.restore();
  await Promise.all([hung.close(), hungRunPod.close()]);
});

async function timed<T>(call: () => Promise<T>): Promise<{ answer: T; ms: number }> {
  const started = Date.now();
  const answer = await call();
  return { answer, ms: Date.now() - started };
}

// Independent cases, each waiting out its own deadline: run them side by side.
describe.concurrent('handlers answer before their deadline when a dependency hangs', () => {
  it('submit-job, SQS SendMessage hung: 503 in time, the job marked failed, its idempotency key freed', async () => {
    const event = httpApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify(aSpec()), headers: { 'idempotency-key': 'hung-sqs-1' } });

    const { answer, ms } = await timed(() => submitJob(event, contextWithRemaining(REMAINING_MS)) as Promise<{ statusCode: number; body: string }>);

    expect(answer.statusCode).toBe(503);
    expect(ms).toBeLessThan(REMAINING_MS);
    const body = JSON.parse(answer.body) as { error: { code: string; details?: { jobId: string } } };
    expect(body.error.code).toBe('QueueUnavailable');
    const jobId = body.error.details!.jobId;
    expect((await jobs.get(jobId))).toMatchObject({ status: 'failed', error: { type: 'JobQueueUnavailable' } });
    const key = await db.send(new GetItemCommand({ TableName: jobsTableName, Key: { job_id: { S: 'idempotency#hung-sqs-1' } }, ConsistentRead: true }));
    expect(key.Item).toBeUndefined();
  });

  it('submit-runpod-job, RunPod /run hung: answered in time, the mapping kept for the job that may exist, never posted twice', async () => {
    const event = {
      task_token: 'AQCEAAAAKgAAAA-hung-runpod-task',
      exec_id: 'execution-hung',
      segment: { filename: 'seg_0001.mp4', input_key: 'runs/x/raw/seg_0001.mp4', output_key: 'runs/x/up/seg_0001.mp4' },
      params: { model: '7b' },
    };

    const { answer, ms } = await timed(() => submitRunPod(event, contextWithRemaining(REMAINING_MS)) as Promise<{ callback_token: string; job_id: string }>);
    const again = (await submitRunPod(event, contextWithRemaining(REMAINING_MS))) as { callback_token: string; job_id: string };

    expect(ms).toBeLessThan(REMAINING_MS);
    expect(answer.job_id).toBe('');
    expect(again.callback_token).toBe(answer.callback_token);
    expect(hungRunPod.requests()).toBe(1);
    expect(await mappings.find(answer.callback_token)).toMatchObject({ status: 'PENDING', taskToken: event.task_token });
  });

  it('dispatch-to-ecs, RunTask hung: 503 in time, the launch lease given back so a retry can repeat the attempt at once', async () => {
    const event = httpApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify({ url: 'https://example.com/live/stream.m3u8', job_id: 'hung-ecs-1' }) });

    const { answer, ms } = await timed(() => dispatch(event, contextWithRemaining(REMAINING_MS)) as Promise<{ statusCode: number }>);

    expect(answer.statusCode).toBe(503);
    expect(ms).toBeLessThan(REMAINING_MS);
    const stored = (await dispatches.find('hung-ecs-1'));
    expect(stored?.job.status).toBe('submitted');
    expect(stored?.launch).toMatchObject({ attempt: 1, settled: false });
    expect(stored?.launch.leaseUntil).toBeUndefined();
  });

  it('dispatch-to-ecs from SQS, RunTask hung: the message comes back as a batch item failure in time', async () => {
    const record = {
      messageId: 'hung-ecs-msg-1',
      receiptHandle: 'rh',
      body: JSON.stringify({ url: 'https://example.com/live/other.m3u8' }),
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:dispatch-jobs',
      awsRegion: 'us-east-1',
    };

    const { answer, ms } = await timed(() => dispatch({ Records: [record] }, contextWithRemaining(REMAINING_MS)));

    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'hung-ecs-msg-1' }] });
    expect(ms).toBeLessThan(REMAINING_MS);
  });

  it('start-renderer, RunInstances hung: a task error in time, the mapping kept for the instance that may have started', async () => {
    const taskToken = 'AQCEAAAAKgAAAA-hung-ec2-task';
    const started = Date.now();

    const fault = await startRenderer({ job_id: 'job-hung-ec2', task_token: taskToken }, contextWithRemaining(REMAINING_MS)).catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(REMAINING_MS);
    expect(fault).toBeInstanceOf(Error);
    const callbackToken = tokenFor(WORKER_CALLBACK_TOKEN_SCOPE, 'renderer', taskToken);
    expect(await mappings.find(callbackToken)).toMatchObject({ status: 'PENDING', channel: 'worker', jobId: 'job-hung-ec2', taskToken });
  });
});
