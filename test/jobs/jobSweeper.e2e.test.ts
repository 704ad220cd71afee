import { afterAll, beforeAll, expect, it } from 'vitest';
import { DynamoDbJobs } from '../../adapters/dynamodb/DynamoDbJobs.js';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import { captureHandlerLogs } from '../support/captureHandlerLogs.js';
import { lambdaContext, loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { useLocalAws } from '../support/localAwsEnv.js';
import { aJob } from './builders.js';
import { startFakeSqs, type FakeSqs } from './support/fakeSqs.js';

/** The `job-sweeper` bundle: a job recorded but never queued (the submit died in between) is found through the sparse index and sent. */
let sqs: FakeSqs;
let queueUrl: string;
let jobs: DynamoDbJobs;
let sweeper: BundledHandler;
let logs: ReturnType<typeof captureHandlerLogs>;

beforeAll(async () => {
  sqs = await startFakeSqs();
  queueUrl = sqs.createQueue('jobs');
  const client = localDynamoDbClient();
  const table = await createLocalTable(client, jobsTable);
  jobs = new DynamoDbJobs(client, table);
  useLocalAws({ SQS: sqs.endpoint }, { DYNAMODB_JOBS_TABLE: table, SQS_JOB_QUEUE_URL: queueUrl, S3_BUCKET_NAME: 'video-outputs', LOG_LEVEL: 'INFO' });
  logs = captureHandlerLogs();
  sweeper = await loadBundle('job-sweeper');
});

afterAll(async () => {
  logs.restore();
  await sqs.close();
});

it('sends each job left unqueued exactly once, and leaves queued ones alone', async () => {
  const [lost, queued] = [aJob(), aJob()];
  (await jobs.create(lost, { idempotencyKey: 'sweep-e2e-lost' }))._unsafeUnwrap();
  (await jobs.create(queued))._unsafeUnwrap();
  await jobs.markQueued(queued.jobId);

  const first = await sweeper({ 'detail-type': 'Scheduled Event' }, lambdaContext);
  const second = await sweeper({ 'detail-type': 'Scheduled Event' }, lambdaContext);

  expect(first).toEqual({ found: 1, resent: 1, failed: 0, movedOn: 0, left: 0 });
  expect(second).toMatchObject({ found: 0 });
  expect(sqs.bodies(queueUrl).map((b) => (JSON.parse(b) as { jobId: string; outputBucket: string }))).toEqual([
    expect.objectContaining({ jobId: lost.jobId, outputBucket: 'video-outputs' }),
  ]);
});
