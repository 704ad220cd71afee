import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { isoSeconds } from '../../domain/shared/time.js';
import { webhookEvent } from '../support/apiGatewayEvents.js';
import { startFakeRunPod, type FakeRunPod } from '../support/fakeRunPod.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../support/fakeStepFunctions.js';
import { lambdaContext, loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { useLocalAws } from '../support/localAwsEnv.js';
import { handlerLogs } from '../support/captureHandlerLogs.js';

/**
 * The RunPod flow on the built bundles, with their own bundled SDK, against DynamoDB Local,
 * a Step Functions endpoint that refuses a second resume, and a RunPod HTTP server.
 */
type Response = { statusCode: number; body: string };

let sfn: FakeStepFunctions;
/** Step Functions' own clock: tasks time out when the test says so. */
const sfnClock = new ManualClock(new Date());
let client: DynamoDBClient;
let table: string;
let runpod: FakeRunPod;
let mappings: DynamoDbCallbackMappings;
let submit: BundledHandler;
let webhook: BundledHandler;
let redrive: BundledHandler;
const logs = handlerLogs();

beforeAll(async () => {
  sfn = await startFakeStepFunctions(sfnClock);
  runpod = await startFakeRunPod();
  client = localDynamoDbClient();
  table = await createLocalTable(client, callbacksTable);
  mappings = new DynamoDbCallbackMappings(client, table);
  useLocalAws({ SFN: sfn.endpoint }, {
    CALLBACK_TABLE_NAME: table,
    WEBHOOK_BASE_URL: 'https://api.example.com/webhook/',
    RUNPOD_ENDPOINT_URL: runpod.url,
    RUNPOD_API_KEY: 'rp_live_secret_key_0123456789',
    BUCKET_NAME: 'my-bucket',
    REDRIVE_AFTER_SECONDS: '60',
    LOG_LEVEL: 'INFO',
  });
  [submit, webhook, redrive] = await Promise.all([
    loadBundle('submit-runpod-job'),
    loadBundle('runpod-webhook'),
    loadBundle('callback-redrive'),
  ]);
});

afterAll(async () => {
  await Promise.all([sfn.close(), runpod.close()]);
});

const segmentEvent = (taskToken: string, extra: Record<string, unknown> = {}) => ({
  task_token: taskToken,
  exec_id: 'execution-123',
  segment: {
    filename: 'seg_0001.mp4',
    input_key: 'runs/exec-123/raw/seg_0001.mp4',
    output_key: 'runs/exec-123/upscaled/seg_0001.mp4',
  },
  params: { model: '7b', resolution: 1080 },
  presign_expires_secs: 3600,
  ...extra,
});

async function submitted(options: { timeoutSeconds?: number } = {}) {
  const taskToken = sfn.engine.startTask(options);
  const out = (await submit(segmentEvent(taskToken), lambdaContext)) as Record<string, string>;
  return { taskToken, out, callbackToken: out['callback_token']! };
}

const deliver = async (callbackToken: string, body: unknown, kind: 'rest' | 'http' = 'http') =>
  (await webhook(webhookEvent(callbackToken, body, kind), lambdaContext)) as Response;

/** As if the outcome had been accepted `seconds` ago: the redrive only takes outcomes accepted long enough ago. */
async function acceptedSecondsAgo(callbackToken: string, seconds: number): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { callback_token: { S: callbackToken } },
      UpdateExpression: 'SET accepted_at = :at',
      ExpressionAttributeValues: { ':at': { S: isoSeconds(new Date(Date.now() - seconds * 1000)) } },
    }),
  );
}

const completed = { id: 'job-1', status: 'COMPLETED', delayTime: 120, executionTime: 4500, output: { message: 'Video upscaled successfully' } };

describe('RunPod flow on the bundles', () => {
  it('submits: stores the mapping, submits to RunPod with presigned URLs, returns the seed output', async () => {
    const before = runpod.received.length;
    const { taskToken, out } = await submitted();

    expect(out).toEqual({
      callback_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      job_id: expect.stringMatching(/^job-\d+$/),
      webhook_url: `https://api.example.com/webhook/${out['callback_token']}`,
      segment_filename: 'seg_0001.mp4',
      exec_id: 'execution-123',
    });
    const sent = runpod.received[before]!;
    expect(sent.authorization).toBe('Bearer rp_live_secret_key_0123456789');
    expect(sent.body).toEqual({
      input: {
        input_presigned_url: expect.stringMatching(/^https:\/\/my-bucket\.s3\.us-east-1\.amazonaws\.com\/runs\/exec-123\/raw\/seg_0001\.mp4\?.*X-Amz-Expires=3600/),
        output_presigned_url: expect.stringMatching(/upscaled\/seg_0001\.mp4\?.*x-id=PutObject/),
        params: { model: '7b', resolution: 1080 },
      },
      webhook: out['webhook_url'],
    });
    const stored = await mappings.find(out['callback_token']!);
    expect(stored).toMatchObject({ status: 'PENDING', taskToken, jobId: out['job_id'], execId: 'execution-123' });
  });

  it('resumes the execution once on COMPLETED, with RunPod output, and records it', async () => {
    const { taskToken, callbackToken } = await submitted();

    const response = await deliver(callbackToken, completed, 'rest');

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'resumed', callback_status: 'COMPLETED' });
    const task = sfn.engine.task(taskToken)!;
    expect(task.state).toBe('succeeded');
    expect(JSON.parse(task.output!)).toEqual({
      job_id: 'job-1',
      status: 'COMPLETED',
      output: { message: 'Video upscaled successfully' },
      delay_time_ms: 120,
      execution_time_ms: 4500,
    });
    expect((await mappings.find(callbackToken))?.status).toBe('COMPLETED');
  });

  it.each(['FAILED', 'CANCELLED', 'TIMED_OUT'])('fails the task on %s with the status as error name', async (status) => {
    const { taskToken, callbackToken } = await submitted();

    const response = await deliver(callbackToken, { id: 'job-1', status, error: 'Out of memory' });

    expect(response.statusCode).toBe(200);
    expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'failed', error: status, cause: 'Out of memory' });
    expect((await mappings.find(callbackToken))?.status).toBe('FAILED');
  });

  it('answers a duplicate of a finished callback 200 without calling Step Functions', async () => {
    const { callbackToken } = await submitted();
    await deliver(callbackToken, completed);
    const calls = sfn.requests.length;

    const response = await deliver(callbackToken, completed);

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'already_completed' });
    expect(sfn.requests.length).toBe(calls);
  });

  it('resumes exactly once under 50 concurrent duplicate deliveries', async () => {
    const { taskToken, callbackToken } = await submitted();
    const calls = sfn.requests.length;

    const responses = await Promise.all(Array.from({ length: 50 }, () => deliver(callbackToken, completed)));

    expect(sfn.requests.length - calls).toBe(1);
    expect(sfn.engine.task(taskToken)!.resumeCalls).toBe(1);
    expect(responses.every((r) => r.statusCode === 200 || r.statusCode === 202)).toBe(true);
  });

  it('resumes a webhook that arrives before RunPod has answered the submit', async () => {
    const taskToken = sfn.engine.startTask();
    let early: Response | undefined;
    runpod.beforeAnswer = async (body) => {
      const url = (body as { webhook: string }).webhook;
      early = await deliver(url.split('/').at(-1)!, completed);
    };
    try {
      await submit(segmentEvent(taskToken), lambdaContext);
    } finally {
      runpod.beforeAnswer = undefined;
    }

    expect(early?.statusCode).toBe(200);
    expect(sfn.engine.task(taskToken)!.state).toBe('succeeded');
  });

  it('answers 404 for an unknown token, 400 for a malformed token, body or status', async () => {
    const { callbackToken } = await submitted();

    expect((await deliver('f'.repeat(64), completed)).statusCode).toBe(404);
    expect((await deliver('not-a-token', completed)).statusCode).toBe(400);
    expect((await deliver(callbackToken, '{"id": "job-1", "status": ')).statusCode).toBe(400);
    expect((await deliver(callbackToken, { id: 'job-1', status: 'IN_PROGRESS' })).statusCode).toBe(400);
    expect((await deliver(callbackToken, [])).statusCode).toBe(400);
    expect((await mappings.find(callbackToken))?.status).toBe('PENDING');
  });

  it("answers 404 to a Spot worker's callback token: user-data is not a credential for the public webhook", async () => {
    const taskToken = sfn.engine.startTask();
    const workerToken = 'ab'.repeat(32);
    (await mappings.create(newCallbackMapping({ callbackToken: workerToken, taskToken, channel: 'worker', now: new Date() })))._unsafeUnwrap();

    const response = await deliver(workerToken, completed);

    expect(response.statusCode).toBe(404);
    expect(sfn.engine.task(taskToken)!.state).toBe('waiting');
  });

  it('answers 410 when the task token has timed out, and marks the mapping EXPIRED', async () => {
    const { callbackToken } = await submitted({ timeoutSeconds: 60 });
    sfnClock.advanceSeconds(61);

    const first = await deliver(callbackToken, completed);
    const again = await deliver(callbackToken, completed);

    expect([first.statusCode, again.statusCode]).toEqual([410, 410]);
    expect(await mappings.find(callbackToken)).toMatchObject({ status: 'EXPIRED', goneReason: 'TaskTimedOut' });
  });

  it('keeps the outcome through a Step Functions outage, and the redrive resumes it once', async () => {
    const { taskToken, callbackToken } = await submitted();
    sfn.setDown(true);

    const during = await deliver(callbackToken, completed);
    const duplicateDuring = await deliver(callbackToken, completed);

    expect([during.statusCode, duplicateDuring.statusCode]).toEqual([202, 202]);
    expect((await mappings.find(callbackToken))?.status).toBe('ACCEPTED');
    sfn.setDown(false);
    const early = (await redrive({}, lambdaContext)) as { found: number };
    await acceptedSecondsAgo(callbackToken, 61); // REDRIVE_AFTER_SECONDS=60

    const report = (await redrive({}, lambdaContext)) as { found: number; resumed: number };
    const second = (await redrive({}, lambdaContext)) as { found: number };

    expect(early.found).toBe(0);
    expect(report).toMatchObject({ found: 1, resumed: 1 });
    expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'succeeded', resumeCalls: 1 });
    expect((await mappings.find(callbackToken))?.status).toBe('COMPLETED');
    expect(second.found).toBe(0);
  });

  it('never logs a task token, callback token or API key whole', async () => {
    const { taskToken, callbackToken } = await submitted();
    await deliver(callbackToken, completed);

    const all = logs.text();
    expect(all).toContain('RunPod job submitted successfully');
    expect(all).toContain('Sent TaskSuccess for job');
    expect(all).not.toContain(taskToken);
    expect(all).not.toContain(callbackToken);
    expect(all).not.toContain('rp_live_secret_key_0123456789');
  });
});

describe('cold start configuration', () => {
  it('names every missing or invalid variable in one message', async () => {
    const saved = { ...process.env };
    delete process.env['CALLBACK_TABLE_NAME'];
    process.env['WEBHOOK_BASE_URL'] = 'not a url';
    delete process.env['RUNPOD_API_KEY'];
    try {
      await expect(loadBundle('submit-runpod-job')).rejects.toThrow(
        /submit-runpod-job: invalid configuration: CALLBACK_TABLE_NAME is required; WEBHOOK_BASE_URL must be a URL.*RUNPOD_API_KEY or RUNPOD_API_KEY_SECRET_ID: set exactly one/,
      );
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
