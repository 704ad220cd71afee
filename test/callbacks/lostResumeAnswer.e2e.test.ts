import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { webhookEvent } from '../support/apiGatewayEvents.js';
import { startFakeRunPod, type FakeRunPod } from '../support/fakeRunPod.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../support/fakeStepFunctions.js';
import { handlerLogs } from '../support/captureHandlerLogs.js';
import { lambdaContext, loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { useLocalAws } from '../support/localAwsEnv.js';

/**
 * The webhook bundle when Step Functions takes the resume but its answer is lost: the SDK's
 * retry finds the token closed (`TaskTimedOut`). The workflow was resumed once, with this
 * outcome, so the callback is recorded as resumed and answered 200 — not EXPIRED and 410.
 */
type Response = { statusCode: number; body: string };

let sfn: FakeStepFunctions;
let runpod: FakeRunPod;
let client: DynamoDBClient;
let table: string;
let submit: BundledHandler;
let webhook: BundledHandler;
const logs = handlerLogs();

beforeAll(async () => {
  sfn = await startFakeStepFunctions();
  runpod = await startFakeRunPod();
  client = localDynamoDbClient();
  table = await createLocalTable(client, callbacksTable);
  useLocalAws({ SFN: sfn.endpoint }, {
    CALLBACK_TABLE_NAME: table,
    WEBHOOK_BASE_URL: 'https://api.example.com/webhook/',
    RUNPOD_ENDPOINT_URL: runpod.url,
    RUNPOD_API_KEY: 'rp_live_secret_key_0123456789',
    BUCKET_NAME: 'my-bucket',
    LOG_LEVEL: 'INFO',
  });
  [submit, webhook] = await Promise.all([loadBundle('submit-runpod-job'), loadBundle('runpod-webhook')]);
});

afterAll(async () => {
  await Promise.all([sfn.close(), runpod.close()]);
});

const status = async (callbackToken: string) =>
  (await client.send(new GetItemCommand({ TableName: table, Key: { callback_token: { S: callbackToken } } }))).Item?.['status']?.S;

describe('runpod-webhook when the answer to SendTaskSuccess is lost', () => {
  it('answers 200 and records COMPLETED: the workflow was resumed once, by the lost attempt', async () => {
    const taskToken = sfn.engine.startTask();
    const out = (await submit(
      {
        task_token: taskToken,
        exec_id: 'execution-lost',
        segment: { filename: 'seg_0001.mp4', input_key: 'in/seg_0001.mp4', output_key: 'out/seg_0001.mp4' },
        params: {},
      },
      lambdaContext,
    )) as Record<string, string>;
    const callbackToken = out['callback_token']!;
    sfn.loseAnswers(1, 'reset');

    const first = (await webhook(webhookEvent(callbackToken, { id: 'job-1', status: 'COMPLETED', output: { ok: 1 } }), lambdaContext)) as Response;
    const again = (await webhook(webhookEvent(callbackToken, { id: 'job-1', status: 'COMPLETED', output: { ok: 1 } }), lambdaContext)) as Response;

    expect(sfn.requests.filter((r) => r.input['taskToken'] === taskToken).map((r) => r.operation)).toEqual(['SendTaskSuccess', 'SendTaskSuccess']);
    expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'succeeded' });
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(await status(callbackToken)).toBe('COMPLETED');
    expect(logs.records()).toContainEqual(expect.objectContaining({ level: 'WARN', message: expect.stringMatching(/answer was lost/) }));
  });
});
