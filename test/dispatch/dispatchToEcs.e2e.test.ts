import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbDispatches } from '../../adapters/dynamodb/DynamoDbDispatches.js';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import { httpApiEvent, restApiEvent } from '../support/apiGatewayEvents.js';
import { lambdaContext, loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { useLocalAws } from '../support/localAwsEnv.js';
import { handlerLogs } from '../support/captureHandlerLogs.js';
import { startFakeEcs, type FakeEcs } from './fakeEcs.js';
import { MAGNET_URL } from './builders.js';

/**
 * The `dispatch-to-ecs` bundle, with its own bundled SDK, against DynamoDB Local and a local
 * ECS endpoint speaking RunTask's wire protocol.
 */
type HttpAnswer = { statusCode: number; headers: Record<string, string>; body: string };
type BatchAnswer = { batchItemFailures: { itemIdentifier: string }[] };

let ecs: FakeEcs;
let dispatches: DynamoDbDispatches;
let handler: BundledHandler;
const logs = handlerLogs();

const ENV = {
  ECS_CLUSTER: 'recorders',
  ECS_TASK_DEF: 'arn:aws:ecs:us-east-1:123456789012:task-definition/recorder:3',
  TRANSMISSION_TASK_DEF: 'arn:aws:ecs:us-east-1:123456789012:task-definition/transmission:1',
  S3_BUCKET: 'recordings-bucket',
  CONTAINER_NAME: 'recorder',
  TTL_DAYS: '3',
};

beforeAll(async () => {
  ecs = await startFakeEcs();
  const client = localDynamoDbClient();
  const table = await createLocalTable(client, jobsTable);
  dispatches = new DynamoDbDispatches(client, table);
  useLocalAws({ ECS: ecs.endpoint }, { DDB_TABLE: table, LOG_LEVEL: 'INFO', ...ENV });
  handler = await loadBundle('dispatch-to-ecs');
});

afterAll(async () => {
  await ecs.close();
});

beforeEach(() => {
  ecs.requests.length = 0;
});

const post = (body: unknown, headers: Record<string, string> = {}, kind: 'rest' | 'http' = 'http') => {
  const parts = { method: 'POST', path: '/jobs', body: typeof body === 'string' ? body : JSON.stringify(body), headers };
  return handler(kind === 'rest' ? restApiEvent(parts) : httpApiEvent(parts), lambdaContext) as Promise<HttpAnswer>;
};

const sqsRecord = (body: unknown, messageId: string = randomUUID(), receiveCount = 1) => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '1767700800000',
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1767700800000',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:dispatch-jobs',
  awsRegion: 'us-east-1',
});

const sqs = (...records: ReturnType<typeof sqsRecord>[]) => handler({ Records: records }, lambdaContext) as Promise<BatchAnswer>;

/**
 * Distinct RunTask client tokens seen: one per launch attempt. The SDK may resend a request
 * (a reset keep-alive socket); the token makes that harmless, so count tokens, not requests.
 */
const launches = () => new Set(ecs.requests.map((r) => r.input.clientToken)).size;

const url = () => `https://streams.example.com/live/${randomUUID()}`;
const environmentOf = (i: number) =>
  Object.fromEntries(ecs.requests[i]!.input.overrides.containerOverrides[0]!.environment.map((e) => [e.name, e.value]));

describe('dispatch-to-ecs bundle: API Gateway', () => {
  it('records the job, launches one task with the exact RunTask request, and answers 202 (HTTP API v2)', async () => {
    const source = url();

    const res = await post({ url: source });

    expect(res.statusCode).toBe(202);
    const body = JSON.parse(res.body) as Record<string, string>;
    expect(body).toMatchObject({ status: 'processing', source_url: source, source_kind: 'stream', s3_bucket: 'recordings-bucket' });
    expect(launches()).toBe(1);
    const request = ecs.requests[0]!;
    expect(request.contentType).toBe('application/x-amz-json-1.1');
    expect(request.input).toMatchObject({
      cluster: 'recorders',
      taskDefinition: ENV.ECS_TASK_DEF,
      count: 1,
      startedBy: 'baton-dispatch',
      clientToken: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(request.input.overrides.containerOverrides[0]!.name).toBe('recorder');
    expect(environmentOf(0)).toEqual({
      JOB_ID: body['job_id'],
      SOURCE_URL: source,
      SOURCE_KIND: 'stream',
      S3_BUCKET: 'recordings-bucket',
      S3_KEY_PREFIX: `recordings/${body['job_id']}/`,
    });
    const stored = (await dispatches.find(body['job_id']!))!;
    expect(stored.job.status).toBe('processing');
    expect(stored.launch.taskArn).toBe(body['task_arn']);
    expect(stored.job.ttl - Date.parse(stored.job.submittedAt) / 1000).toBe(3 * 86_400);
  });

  it('launches once when a REST API client retries with the same Idempotency-Key', async () => {
    const key = `order-${randomUUID()}`;
    const source = url();

    const first = await post({ url: source }, { 'Idempotency-Key': key }, 'rest');
    const retry = await post({ url: source }, { 'Idempotency-Key': key }, 'rest');

    expect(first.statusCode).toBe(202);
    expect(retry.statusCode).toBe(200);
    expect(JSON.parse(retry.body)).toMatchObject({ job_id: key, task_arn: JSON.parse(first.body).task_arn });
    expect(launches()).toBe(1);
  });

  it.each([
    ['not JSON', '{"url":', 'InvalidJson'],
    ['no url', {}, 'InvalidRequest'],
    ['a forbidden scheme', { url: 'file:///etc/passwd' }, 'InvalidRequest'],
    ['the metadata endpoint', { url: 'http://169.254.169.254/latest/meta-data/' }, 'InvalidRequest'],
  ])('answers 400 with the standard error body for %s, launching nothing', async (_what, body, code) => {
    const res = await post(body);

    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code }, timestamp: expect.any(String), requestId: 'http-req-1' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(launches()).toBe(0);
  });

  it('sends magnet links to the Transmission task definition', async () => {
    const res = await post({ url: MAGNET_URL, job_id: `magnet-${randomUUID()}` });

    expect(res.statusCode).toBe(202);
    expect(ecs.requests[0]!.input.taskDefinition).toBe(ENV.TRANSMISSION_TASK_DEF);
    expect(environmentOf(0)['SOURCE_KIND']).toBe('torrent');
  });

  it('answers 503 with Retry-After when ECS has no capacity, and launches on the retry with the same key', async () => {
    const key = `cap-${randomUUID()}`;
    const source = url();
    ecs.script('capacity');

    const full = await post({ url: source }, { 'Idempotency-Key': key });
    const retry = await post({ url: source }, { 'Idempotency-Key': key });

    expect(full.statusCode).toBe(503);
    expect(full.headers['retry-after']).toBe('30');
    expect(JSON.parse(full.body).error).toMatchObject({ code: 'CapacityUnavailable', details: { job_id: key, reasons: ['RESOURCE:MEMORY'] } });
    expect(retry.statusCode).toBe(202);
    expect(launches()).toBe(2);
  });

  it('rides out ECS throttling (retried with backoff) and launches', async () => {
    ecs.script('throttle', 'throttle', 'server');

    const res = await post({ url: url() });

    expect(res.statusCode).toBe(202);
    expect(ecs.requests.length).toBeGreaterThanOrEqual(4);
    expect(launches()).toBe(1);
  });

  it('answers 502 and fails the job when ECS says the task definition is missing', async () => {
    ecs.script('missing');

    const res = await post({ url: url() });

    expect(res.statusCode).toBe(502);
    const jobId = JSON.parse(res.body).error.details.job_id as string;
    expect((await dispatches.find(jobId))!.job).toMatchObject({ status: 'failed', error: { type: 'LaunchRejected' } });
  });

  it('answers a direct invocation with {"url": ...} like the API', async () => {
    const res = (await handler({ url: url() }, lambdaContext)) as HttpAnswer;

    expect(res.statusCode).toBe(202);
  });
});

describe('dispatch-to-ecs bundle: SQS', () => {
  it('reports only the poison messages of a batch as failures, and launches the good one', async () => {
    const good = sqsRecord({ url: url() });
    const notJson = sqsRecord('this is not json');
    const badUrl = sqsRecord({ url: 'gopher://old.example.com/' });

    const res = await sqs(good, notJson, badUrl);

    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: notJson.messageId }, { itemIdentifier: badUrl.messageId }] });
    expect(launches()).toBe(1);
    expect((await dispatches.find(good.messageId))!.job.status).toBe('processing');
  });

  it('launches once when SQS delivers the same message twice, and when two messages name the same job_id', async () => {
    const message = sqsRecord({ url: url() });
    const jobId = `job-${randomUUID()}`;
    const source = url();

    const tasksBefore = ecs.tasks.size;

    const first = await sqs(message);
    const redelivered = await sqs({ ...message, attributes: { ...message.attributes, ApproximateReceiveCount: '2' } });
    // Two copies in one batch recorded within the same second write the same item, which reads as
    // a retried write of one's own: both go on to launch, with the same RunTask client token.
    // The handler's clock is frozen so they do land in the same second.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const both = await sqs(sqsRecord({ url: source, job_id: jobId }), sqsRecord({ url: source, job_id: jobId })).finally(() =>
      vi.useRealTimers(),
    );
    const later = await sqs(sqsRecord({ url: source, job_id: jobId }));

    expect([first, redelivered, both, later]).toEqual(Array(4).fill({ batchItemFailures: [] }));
    expect(launches()).toBe(2);
    expect(ecs.tasks.size - tasksBefore).toBe(2);
  });

  it('returns a copy that arrives while the launch is in flight to the queue, and acknowledges it once launched', async () => {
    const jobId = `job-${randomUUID()}`;
    const source = url();
    const copy = sqsRecord({ url: source, job_id: jobId });
    const tasksBefore = ecs.tasks.size;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const inFlight = ecs.holdNextRunTask();
    let during;
    let launched;
    try {
      const launching = sqs(sqsRecord({ url: source, job_id: jobId }));
      await inFlight.arrived;
      vi.setSystemTime(Date.now() + 1000); // a later second: not a retry of the first write

      during = await sqs(copy);
      inFlight.release();
      launched = await launching;
    } finally {
      inFlight.release();
      vi.useRealTimers();
    }
    const redelivered = await sqs({ ...copy, attributes: { ...copy.attributes, ApproximateReceiveCount: '2' } });

    expect(during).toEqual({ batchItemFailures: [{ itemIdentifier: copy.messageId }] });
    expect([launched, redelivered]).toEqual(Array(2).fill({ batchItemFailures: [] }));
    expect(ecs.tasks.size - tasksBefore).toBe(1);
  });

  it('returns a message that met no ECS capacity to the queue, and launches it on redelivery', async () => {
    const message = sqsRecord({ url: url() });
    ecs.script('capacity');

    const full = await sqs(message);
    const stored = (await dispatches.find(message.messageId))!;
    const again = await sqs({ ...message, attributes: { ...message.attributes, ApproximateReceiveCount: '2' } });

    expect(full).toEqual({ batchItemFailures: [{ itemIdentifier: message.messageId }] });
    expect(stored.job.status).toBe('submitted');
    expect(stored.launch.lastFailure).toMatchObject({ code: 'CapacityUnavailable', reasons: ['RESOURCE:MEMORY'] });
    expect(again).toEqual({ batchItemFailures: [] });
    expect((await dispatches.find(message.messageId))!.job.status).toBe('processing');
  });

  it('acknowledges a launch ECS refused for good: the job is failed, redelivery cannot help', async () => {
    const message = sqsRecord({ url: url() });
    ecs.script('missing');

    expect(await sqs(message)).toEqual({ batchItemFailures: [] });
    expect((await dispatches.find(message.messageId))!.job.status).toBe('failed');
  });

  it('counts launches and failures as EMF metrics and logs JSON with the job id', async () => {
    const message = sqsRecord({ url: url() });
    logs.clear();

    await sqs(message);

    const records = logs.records();
    const emf = records.find((r) => r['_aws'] !== undefined);
    expect(emf).toMatchObject({ EcsTaskLaunched: 1, JobsReceived: 1 });
    expect(records.find((r) => r['message'] === 'ECS task launched')).toMatchObject({ job_id: message.messageId });
  });
});

describe('dispatch-to-ecs bundle without TRANSMISSION_TASK_DEF', () => {
  it('refuses torrents: 400 over the API, a failed message over SQS', async () => {
    delete process.env['TRANSMISSION_TASK_DEF'];
    const plain = await loadBundle('dispatch-to-ecs');
    process.env['TRANSMISSION_TASK_DEF'] = ENV.TRANSMISSION_TASK_DEF;
    const message = sqsRecord({ url: 'https://example.com/files/talk.torrent' });

    const api = (await plain(httpApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify({ url: MAGNET_URL }) }), lambdaContext)) as HttpAnswer;
    const batch = (await plain({ Records: [message] }, lambdaContext)) as BatchAnswer;

    expect(api.statusCode).toBe(400);
    expect(JSON.parse(api.body).error.code).toBe('UnsupportedSource');
    expect(batch).toEqual({ batchItemFailures: [{ itemIdentifier: message.messageId }] });
    expect(launches()).toBe(0);
  });
});

describe('dispatch-to-ecs bundle configuration', () => {
  it('fails at cold start naming every missing variable', async () => {
    const saved = { ...process.env };
    delete process.env['ECS_CLUSTER'];
    delete process.env['CONTAINER_NAME'];
    process.env['TTL_DAYS'] = 'seven';
    try {
      await expect(loadBundle('dispatch-to-ecs')).rejects.toThrow(/ECS_CLUSTER is required.*CONTAINER_NAME is required|CONTAINER_NAME is required.*ECS_CLUSTER is required/);
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
