import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { newCallbackMapping, type CallbackChannel } from '../../domain/callbacks/CallbackMapping.js';
import { webhookEvent } from '../support/apiGatewayEvents.js';
import { captureHandlerLogs } from '../support/captureHandlerLogs.js';
import { startFakeRunPod, type FakeRunPod } from '../support/fakeRunPod.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../support/fakeStepFunctions.js';
import { lambdaContext, loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { useLocalAws } from '../support/localAwsEnv.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';

/**
 * `runpod-reconcile` on its built bundle, with its own bundled SDK, against DynamoDB Local,
 * a Step Functions endpoint that refuses a second resume, and a RunPod server speaking
 * `/status/{id}` and `/cancel/{id}`. Mappings are written as `submit-runpod-job` writes them,
 * ten minutes in the past, so no test waits for RECONCILE_AFTER_SECONDS (300).
 */
let sfn: FakeStepFunctions;
let runpod: FakeRunPod;
let mappings: DynamoDbCallbackMappings;
let reconcile: BundledHandler;
let webhook: BundledHandler;
let logs: ReturnType<typeof captureHandlerLogs>;

type Report = Record<string, number>;

beforeAll(async () => {
  sfn = await startFakeStepFunctions();
  runpod = await startFakeRunPod();
  const client = localDynamoDbClient();
  const table = await createLocalTable(client, callbacksTable);
  mappings = new DynamoDbCallbackMappings(client, table);
  useLocalAws({ SFN: sfn.endpoint }, {
    CALLBACK_TABLE_NAME: table,
    RUNPOD_ENDPOINT_URL: runpod.url,
    RUNPOD_API_KEY: 'rp_live_secret_key_0123456789',
    LOG_LEVEL: 'INFO',
  });
  logs = captureHandlerLogs();
  [reconcile, webhook] = await Promise.all([loadBundle('runpod-reconcile'), loadBundle('runpod-webhook')]);
});

afterAll(async () => {
  logs.restore();
  await Promise.all([sfn.close(), runpod.close()]);
});

let jobs = 0;

/** A segment whose task waits and whose mapping was written ten minutes ago, its RunPod job at `status`. */
async function pendingSince10Minutes(status: Record<string, unknown> | 'unknown', options: { channel?: CallbackChannel; jobId?: boolean } = {}) {
  jobs += 1;
  const jobId = `rp-job-${jobs}-${randomBytes(3).toString('hex')}`;
  const taskToken = sfn.engine.startTask({ timeoutSeconds: 7200 });
  const callbackToken = randomBytes(32).toString('hex');
  (await mappings.create(
    newCallbackMapping({
      callbackToken,
      taskToken,
      channel: options.channel ?? 'runpod',
      ...(options.jobId === false ? {} : { jobId }),
      execId: 'execution-123',
      now: new Date(Date.now() - 600_000),
    }),
  ))._unsafeUnwrap();
  if (status !== 'unknown') runpod.setStatus(jobId, status);
  return { jobId, taskToken, callbackToken };
}

const run = async () => (await reconcile({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, lambdaContext)) as Report;

describe('runpod-reconcile on its bundle', () => {
  it('resumes a finished job whose webhook was lost, once, even with two runs at the same time', async () => {
    const lost = await pendingSince10Minutes({ status: 'COMPLETED', output: { message: 'Video upscaled successfully' }, executionTime: 4500 });

    const [a, b] = await Promise.all([run(), run()]);
    const after = await run();

    expect(a!['recovered']! + b!['recovered']!).toBe(1);
    expect(sfn.engine.task(lost.taskToken)).toMatchObject({ state: 'succeeded', resumeCalls: 1 });
    expect(JSON.parse(sfn.engine.task(lost.taskToken)!.output!)).toEqual({
      job_id: lost.jobId,
      status: 'COMPLETED',
      output: { message: 'Video upscaled successfully' },
      execution_time_ms: 4500,
    });
    expect((await mappings.find(lost.callbackToken))?.status).toBe('COMPLETED');
    expect(after['recovered']).toBe(0);
  });

  it('heartbeats a running job, cancels the job of a gone task (a later webhook answers 410), fails an unknown one', async () => {
    const running = await pendingSince10Minutes({ status: 'IN_PROGRESS' });
    const orphan = await pendingSince10Minutes({ status: 'IN_QUEUE' });
    const unknown = await pendingSince10Minutes('unknown');
    sfn.engine.abortExecution(sfn.engine.task(orphan.taskToken)!.execution);
    const beats = sfn.requests.filter((r) => r.operation === 'SendTaskHeartbeat').length;

    await run();
    const late = (await webhook(webhookEvent(orphan.callbackToken, { id: orphan.jobId, status: 'COMPLETED', output: {} }, 'http'), lambdaContext)) as {
      statusCode: number;
    };

    expect(sfn.requests.filter((r) => r.operation === 'SendTaskHeartbeat').length - beats).toBe(2);
    expect(sfn.engine.task(running.taskToken)!.state).toBe('waiting');
    expect(runpod.requests).toContain(`POST /v2/endpoint-1/cancel/${orphan.jobId}`);
    expect(await mappings.find(orphan.callbackToken)).toMatchObject({ status: 'ABANDONED', goneReason: 'TaskTimedOut' });
    expect(late.statusCode).toBe(410);
    expect(sfn.engine.task(unknown.taskToken)).toMatchObject({ state: 'failed', error: 'RunPodJobLost', resumeCalls: 1 });
  });

  it("leaves a worker's mapping and one without a job id alone", async () => {
    const worker = await pendingSince10Minutes('unknown', { channel: 'worker' });
    const noJobId = await pendingSince10Minutes('unknown', { jobId: false });

    await run();

    expect(sfn.engine.task(worker.taskToken)!.state).toBe('waiting');
    expect(sfn.engine.task(noJobId.taskToken)!.state).toBe('waiting');
    expect((await mappings.find(noJobId.callbackToken))?.status).toBe('PENDING');
  });

  it('never logs a task token, callback token or API key whole', async () => {
    const { taskToken, callbackToken } = await pendingSince10Minutes({ status: 'FAILED', error: 'CUDA error' });

    await run();

    const all = logs.text();
    expect(all).toContain('Reconcile run finished');
    expect(all).not.toContain(taskToken);
    expect(all).not.toContain(callbackToken);
    expect(all).not.toContain('rp_live_secret_key_0123456789');
  });

  it('names a RUNPOD_ENDPOINT_URL that is not the /run URL, and a missing key, at cold start', async () => {
    const saved = { ...process.env };
    process.env['RUNPOD_ENDPOINT_URL'] = 'https://api.runpod.ai/v2/abc/runsync';
    delete process.env['RUNPOD_API_KEY'];
    try {
      await expect(loadBundle('runpod-reconcile')).rejects.toThrow(
        /runpod-reconcile: invalid configuration: RUNPOD_ENDPOINT_URL must be the endpoint's \/run URL.*RUNPOD_API_KEY or RUNPOD_API_KEY_SECRET_ID: set exactly one/,
      );
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
