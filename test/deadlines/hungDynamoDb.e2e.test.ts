import { afterAll, beforeAll, expect, it } from 'vitest';
import { captureHandlerLogs } from '../support/captureHandlerLogs.js';
import { contextWithRemaining, startHungServer, type HungServer } from '../support/hungServer.js';
import { loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { useLocalAws } from '../support/localAwsEnv.js';

/** `update-job-status` whose DynamoDB never answers: every report back to the queue, before the function's time is up. */
const REMAINING_MS = 4_000;

let hung: HungServer;
let update: BundledHandler;
let logs: ReturnType<typeof captureHandlerLogs>;

beforeAll(async () => {
  hung = await startHungServer();
  useLocalAws({}, { DYNAMODB_JOBS_TABLE: 'jobs', LOG_LEVEL: 'INFO' });
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = hung.endpoint;
  logs = captureHandlerLogs();
  update = await loadBundle('update-job-status');
});

afterAll(async () => {
  logs.restore();
  await hung.close();
});

it('update-job-status, DynamoDB hung: the whole batch comes back as item failures in time', async () => {
  const record = (messageId: string, status: string) => ({
    messageId,
    receiptHandle: 'rh',
    body: JSON.stringify({ jobId: `job-${messageId}`, status }),
    attributes: {},
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:job-status',
    awsRegion: 'us-east-1',
  });
  const started = Date.now();

  const answer = await update({ Records: [record('a', 'processing'), record('b', 'completed'), record('c', 'processing')] }, contextWithRemaining(REMAINING_MS));

  expect(Date.now() - started).toBeLessThan(REMAINING_MS);
  expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }, { itemIdentifier: 'c' }] });
  expect(logs.text()).toContain('Error updating job status');
});
