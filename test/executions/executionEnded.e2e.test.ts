import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { captureHandlerLogs } from '../support/captureHandlerLogs.js';
import { startFakeRunPod, type FakeRunPod } from '../support/fakeRunPod.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../support/fakeStepFunctions.js';
import { lambdaContext, loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { useLocalAws } from '../support/localAwsEnv.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { startFakeEc2Workers, type FakeEc2Workers } from './fakeEc2Workers.js';

/** `execution-ended` on its bundle: DynamoDB Local, a RunPod server, an EC2 endpoint listing tagged workers. */
let runpod: FakeRunPod;
let ec2: FakeEc2Workers;
let mappings: DynamoDbCallbackMappings;
let handler: BundledHandler;
let logs: ReturnType<typeof captureHandlerLogs>;
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:upscale:run-e2e';

beforeAll(async () => {
  runpod = await startFakeRunPod();
  ec2 = await startFakeEc2Workers();
  const client = localDynamoDbClient();
  const table = await createLocalTable(client, callbacksTable);
  mappings = new DynamoDbCallbackMappings(client, table);
  useLocalAws({ EC2: ec2.endpoint }, {
    CALLBACK_TABLE_NAME: table,
    RUNPOD_ENDPOINT_URL: runpod.url,
    RUNPOD_API_KEY: 'rp_live_secret_key_0123456789',
    LOG_LEVEL: 'INFO',
  });
  logs = captureHandlerLogs();
  handler = await loadBundle('execution-ended');
});

afterAll(async () => {
  logs.restore();
  await Promise.all([runpod.close(), ec2.close()]);
});

const statusChange = (status: string) => ({
  version: '0',
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  detail: { executionArn: ARN, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:upscale', status },
});

describe('execution-ended on its bundle', () => {
  it("cancels the aborted execution's RunPod job, abandons its mapping and terminates its tagged worker", async () => {
    const callbackToken = randomBytes(32).toString('hex');
    (await mappings.create(
      newCallbackMapping({ callbackToken, taskToken: 'AQCE-task', channel: 'runpod', jobId: 'rp-job-9', executionArn: ARN, now: new Date() }),
    ))._unsafeUnwrap();
    runpod.setStatus('rp-job-9', { status: 'IN_PROGRESS' });
    ec2.instances.push(
      { id: 'i-ours', tags: { 'baton:role': 'renderer', 'baton:execution-arn': ARN }, running: true },
      { id: 'i-other', tags: { 'baton:role': 'renderer', 'baton:execution-arn': `${ARN}-2` }, running: true },
    );

    const report = await handler(statusChange('ABORTED'), lambdaContext);

    expect(report).toEqual({ ignored: false, abandoned: 1, jobsCancelled: 1, instancesTerminated: 1 });
    expect(runpod.requests).toContain('POST /v2/endpoint-1/cancel/rp-job-9');
    expect(await mappings.find(callbackToken)).toMatchObject({ status: 'ABANDONED', goneReason: 'ExecutionAborted' });
    expect(ec2.instances.map((i) => [i.id, i.running])).toEqual([
      ['i-ours', false],
      ['i-other', true],
    ]);
    expect(logs.text()).not.toContain(callbackToken);
  });

  it('ignores a SUCCEEDED execution and drops a malformed event without throwing', async () => {
    expect(await handler(statusChange('SUCCEEDED'), lambdaContext)).toMatchObject({ ignored: true });
    expect(await handler({ detail: { executionArn: 'nope' } }, lambdaContext)).toBeUndefined();
  });

  it('worker-sweeper terminates the workers of an ended execution and old ones, never asking a task', async () => {
    const sfn: FakeStepFunctions = await startFakeStepFunctions();
    try {
      useLocalAws({ EC2: ec2.endpoint, SFN: sfn.endpoint }, { WORKER_MAX_AGE_SECONDS: '10800' });
      const sweeper = await loadBundle('worker-sweeper');
      const live = `${ARN}-live`;
      sfn.executions.set(live, 'RUNNING');
      ec2.instances.push(
        { id: 'i-live', tags: { 'baton:role': 'uploader', 'baton:execution-arn': live }, running: true },
        { id: 'i-ended', tags: { 'baton:role': 'uploader', 'baton:execution-arn': `${ARN}-deleted` }, running: true },
      );

      const report = (await sweeper({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, lambdaContext)) as Record<string, number>;

      // i-other (first test) belongs to an execution Step Functions does not know either. The
      // fake's instances all launched 2026-02-07T10:00Z: older than 3 h by now, so the live one goes too.
      expect(report).toEqual({ running: 3, executionEnded: 2, tooOld: 1 });
      expect(ec2.instances.filter((i) => i.id === 'i-live' || i.id === 'i-ended').map((i) => i.running)).toEqual([false, false]);
      expect(sfn.requests.map((r) => r.operation)).toEqual(['DescribeExecution', 'DescribeExecution', 'DescribeExecution']);
    } finally {
      await sfn.close();
    }
  });

  it('worker-sweeper names a bad WORKER_MAX_AGE_SECONDS at cold start', async () => {
    process.env['WORKER_MAX_AGE_SECONDS'] = 'soon';
    try {
      await expect(loadBundle('worker-sweeper')).rejects.toThrow(/worker-sweeper: invalid configuration: WORKER_MAX_AGE_SECONDS must be a positive integer/);
    } finally {
      delete process.env['WORKER_MAX_AGE_SECONDS'];
    }
  });
});
