import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbJobs } from '../../adapters/dynamodb/DynamoDbJobs.js';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import { moved, aJob, start, complete } from '../jobs/builders.js';
import { lambdaContext, loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { handlerLogs } from '../support/captureHandlerLogs.js';
import { useLocalAws } from '../support/localAwsEnv.js';
import { anErrorEvent } from './world.js';
import { startFakeSns, type FakeSns } from './support/fakeSns.js';

/** handle-error on its bundle, against DynamoDB Local and SNS over the wire. */
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:pipeline-errors';
let sns: FakeSns;
let jobs: DynamoDbJobs;
let handleError: BundledHandler;
const saved = { ...process.env };
const logs = handlerLogs();

beforeAll(async () => {
  sns = await startFakeSns();
  const client = localDynamoDbClient();
  const table = await createLocalTable(client, jobsTable);
  jobs = new DynamoDbJobs(client, table);
  useLocalAws({ SNS: sns.endpoint }, { DYNAMODB_JOBS_TABLE: table, ERROR_NOTIFICATION_TOPIC_ARN: TOPIC, LOG_LEVEL: 'INFO' });
  handleError = await loadBundle('handle-error');
});

afterAll(async () => {
  process.env = saved;
  await sns.close();
});

describe('handle-error e2e (bundle, DynamoDB Local, SNS)', () => {
  it('marks the job failed, logs one structured error, alerts the topic, and answers as seed 003', async () => {
    const job = moved(aJob({ jobId: 'job-e2e-1', now: new Date() }), start);
    (await jobs.create(job))._unsafeUnwrap();

    const out = await handleError(anErrorEvent({ job_id: 'job-e2e-1' }), lambdaContext);

    expect(out).toEqual({ job_id: 'job-e2e-1', status: 'failed', error_logged: true });
    expect((await jobs.get('job-e2e-1'))).toMatchObject({
      status: 'failed',
      failedAt: expect.stringMatching(/Z$/),
      error: { type: 'TimeoutError', message: 'Timeout', state: 'GenerateScript' },
    });
    const records = logs.records();
    const errors = records.filter((r) => r['level'] === 'ERROR' && r['job_id'] === 'job-e2e-1');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: 'Pipeline step failed', failed_state: 'GenerateScript', error_message: 'Timeout' });
    expect(sns.published.filter((p) => p.Message.includes('job-e2e-1'))).toEqual([
      {
        TopicArn: TOPIC,
        Subject: 'Pipeline job job-e2e-1 failed in GenerateScript: TimeoutError',
        Message: expect.stringContaining('"error_message":"Timeout"'),
      },
    ]);
  });

  it('leaves a completed job completed when a late error arrives', async () => {
    const job = moved(aJob({ jobId: 'job-e2e-2', now: new Date() }), start, complete);
    (await jobs.create(job))._unsafeUnwrap();

    const out = await handleError(anErrorEvent({ job_id: 'job-e2e-2' }), lambdaContext);

    expect(out).toEqual({ job_id: 'job-e2e-2', status: 'completed', error_logged: true });
    expect((await jobs.get('job-e2e-2'))).toEqual(job);
  });

  it('records an unknown job as failed instead of crashing', async () => {
    const out = await handleError(anErrorEvent({ job_id: 'job-e2e-unknown', error: { Error: 'States.Timeout', Cause: 'plain text' } }), lambdaContext);

    expect(out).toEqual({ job_id: 'job-e2e-unknown', status: 'failed', error_logged: true });
    expect((await jobs.get('job-e2e-unknown'))).toMatchObject({
      status: 'failed',
      error: { type: 'States.Timeout', message: 'plain text', state: 'GenerateScript' },
    });
  });

  it('fails the task as InvalidInput when the state machine passes no job id', async () => {
    await expect(handleError({ error: { Error: 'x' } }, lambdaContext)).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});
