import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import { DynamoDbJobs } from '../../adapters/dynamodb/DynamoDbJobs.js';
import { httpApiEvent, restApiEvent } from '../support/apiGatewayEvents.js';
import { lambdaContext, loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { useLocalAws } from '../support/localAwsEnv.js';
import { aSpec } from './builders.js';
import { startFakeSqs, type FakeSqs } from './support/fakeSqs.js';

/**
 * The job API on the built bundles (submit-job, get-job-status, update-job-status), with their
 * own bundled SDK, against DynamoDB Local and SQS over the wire.
 */
type HttpAnswer = { statusCode: number; headers: Record<string, string>; body: string };
type BatchAnswer = { batchItemFailures: { itemIdentifier: string }[] };

let sqs: FakeSqs;
let queueUrl: string;
let jobs: DynamoDbJobs;
let submit: BundledHandler;
let status: BundledHandler;
let update: BundledHandler;
const saved = { ...process.env };

beforeAll(async () => {
  sqs = await startFakeSqs();
  queueUrl = sqs.createQueue('jobs');
  const client = localDynamoDbClient();
  const table = await createLocalTable(client, jobsTable);
  jobs = new DynamoDbJobs(client, table);
  useLocalAws(
    { SQS: sqs.endpoint },
    { DYNAMODB_JOBS_TABLE: table, SQS_JOB_QUEUE_URL: queueUrl, S3_BUCKET_NAME: 'video-outputs', LOG_LEVEL: 'ERROR' },
  );
  [submit, status, update] = await Promise.all([
    loadBundle('submit-job'),
    loadBundle('get-job-status'),
    loadBundle('update-job-status'),
  ]);
});

afterAll(async () => {
  process.env = saved;
  await sqs.close();
});

async function post(body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (await submit(httpApiEvent({ method: 'POST', path: '/jobs', body: text, headers }), lambdaContext)) as HttpAnswer;
}

async function get(jobId: string): Promise<HttpAnswer> {
  return (await status(
    restApiEvent({ method: 'GET', path: `/jobs/${jobId}`, pathParameters: { jobId } }),
    lambdaContext,
  )) as HttpAnswer;
}

let messageNo = 0;
async function report(...reports: Record<string, unknown>[]): Promise<BatchAnswer> {
  const Records = reports.map((r) => ({
    messageId: `msg-${++messageNo}`,
    receiptHandle: 'rh',
    body: JSON.stringify(r),
    attributes: {},
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:job-status',
    awsRegion: 'us-east-1',
  }));
  return (await update({ Records }, lambdaContext)) as BatchAnswer;
}

const bodyOf = (r: HttpAnswer) => JSON.parse(r.body) as Record<string, unknown> & { jobId: string; status: string };

async function submitted(): Promise<string> {
  const r = await post(aSpec());
  expect(r.statusCode).toBe(202);
  return bodyOf(r).jobId;
}

describe('job API e2e (bundles, DynamoDB Local, SQS)', () => {
  it('submits: 202 with the seed shape, the job stored and queued, status readable', async () => {
    const r = await post(aSpec());

    expect(r.statusCode).toBe(202);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    const body = bodyOf(r);
    expect(body).toEqual({
      jobId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'submitted',
      submittedAt: expect.stringMatching(/Z$/),
      updatedAt: body['submittedAt'],
      completedAt: null,
      processingTime: null,
      output: { url: null, urlExpiresAt: null, s3Uri: null, duration: null, size: null },
      error: null,
      metadata: { projectId: 'example', outputFilename: 'video.mp4', title: 'Ranking shorts' },
    });
    expect(sqs.bodies(queueUrl).map((b) => JSON.parse(b) as { jobId: string })).toContainEqual({
      jobId: body.jobId,
      spec: aSpec(),
      submittedAt: body['submittedAt'],
      outputBucket: 'video-outputs',
    });
    const item = (await jobs.get(body.jobId))!;
    expect(item.spec).toEqual(aSpec());
    expect(item.ttl - Date.parse(item.submittedAt) / 1000).toBe(7 * 86_400);
    const read = await get(body.jobId);
    expect(read.statusCode).toBe(200);
    expect(bodyOf(read)).toEqual(body);
  });

  it('moves processing → completed through status reports, then links the output', async () => {
    const jobId = await submitted();

    expect(await report({ jobId, status: 'processing' })).toEqual({ batchItemFailures: [] });
    expect(bodyOf(await get(jobId)).status).toBe('processing');
    await report({ jobId, status: 'completed', output: { s3Uri: `s3://video-outputs/outputs/${jobId}.mp4`, duration: 61.5, size: 7_340_032 } });

    const view = bodyOf(await get(jobId)) as unknown as {
      status: string;
      completedAt: string;
      processingTime: number;
      output: { url: string; urlExpiresAt: string; s3Uri: string; duration: number; size: number };
    };
    expect(view.status).toBe('completed');
    expect(view.processingTime).toBeGreaterThanOrEqual(0);
    expect(view.output).toMatchObject({ s3Uri: `s3://video-outputs/outputs/${jobId}.mp4`, duration: 61.5, size: 7_340_032 });
    const url = new URL(view.output.url);
    expect(url.pathname).toContain(`outputs/${jobId}.mp4`);
    expect(url.hostname + url.pathname).toContain('video-outputs');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(view.output.urlExpiresAt) - Date.now()).toBeGreaterThan(3500_000);
  });

  it('retries: processing → retrying → processing → completed, counting attempts; exhausted retries fail', async () => {
    const jobId = await submitted();
    await report({ jobId, status: 'processing' });
    await report({ jobId, status: 'retrying', error: { message: 'GPU busy', type: 'Transient' } });
    expect(bodyOf(await get(jobId))).toMatchObject({ status: 'retrying', error: { type: 'Transient', message: 'GPU busy' } });
    await report({ jobId, status: 'processing' });
    await report({ jobId, status: 'completed' });
    expect((await jobs.get(jobId))).toMatchObject({ status: 'completed', attempts: 2 });

    const other = await submitted();
    for (let i = 0; i < 3; i += 1) {
      await report({ jobId: other, status: 'processing' });
      await report({ jobId: other, status: 'retrying', error: { message: `attempt ${i + 1} failed` } });
    }
    expect(bodyOf(await get(other))).toMatchObject({ status: 'failed', error: { message: 'attempt 3 failed' } });
  });

  it('never moves a finished job back: a late processing report is dropped, not retried', async () => {
    const jobId = await submitted();
    await report({ jobId, status: 'processing' });
    await report({ jobId, status: 'completed' });

    const late = await report({ jobId, status: 'processing' }, { jobId, status: 'failed', error: { message: 'late' } });

    expect(late).toEqual({ batchItemFailures: [] });
    expect(bodyOf(await get(jobId)).status).toBe('completed');
  });

  it('20 processors racing with conflicting outcomes: one wins, the job ends in one consistent state', async () => {
    const jobId = await submitted();
    await report({ jobId, status: 'processing' });
    const before = (await jobs.get(jobId))!;

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        report(i % 2 ? { jobId, status: 'completed', output: { s3Uri: `outputs/${i}.mp4` } } : { jobId, status: 'failed', error: { message: `p${i}` } }),
      ),
    );

    expect(answers.flatMap((a) => a.batchItemFailures)).toEqual([]);
    const after = (await jobs.get(jobId))!;
    expect(['completed', 'failed']).toContain(after.status);
    expect(after.version).toBe(before.version + 1);
    expect(bodyOf(await get(jobId)).status).toBe(after.status);
  });

  it('20 processors racing with mixed reports never move the job backwards', async () => {
    const jobId = await submitted();
    const statuses = ['processing', 'retrying', 'processing', 'completed'] as const;

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const s = statuses[i % statuses.length]!;
        return report(s === 'retrying' ? { jobId, status: s, error: { message: 'x' } } : { jobId, status: s });
      }),
    );

    const after = (await jobs.get(jobId))!;
    const busy = answers.flatMap((a) => a.batchItemFailures).length;
    // Every applied report added one version; refused ones none; busy ones are redelivered by SQS.
    expect(after.version).toBeLessThanOrEqual(1 + 20 - busy);
    expect(['processing', 'retrying', 'completed', 'failed']).toContain(after.status);
    if (after.status === 'completed') {
      await report({ jobId, status: 'processing' });
      expect((await jobs.get(jobId))!.status).toBe('completed');
    }
  });

  it('gives a retried submit with the same Idempotency-Key the same job; another spec under it is 422', async () => {
    const first = await post(aSpec(), { 'Idempotency-Key': 'order-1001' });
    const again = await post(aSpec(), { 'Idempotency-Key': 'order-1001' });
    const other = await post(aSpec({ output: { filename: 'other.mp4' } }), { 'Idempotency-Key': 'order-1001' });

    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(bodyOf(again).jobId).toBe(bodyOf(first).jobId);
    expect(other.statusCode).toBe(422);
    expect(sqs.bodies(queueUrl).filter((b) => b.includes(bodyOf(first).jobId))).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"jobInfo":', 400, 'InvalidJson'],
    ['an array', '[1,2]', 400, 'ValidationError'],
    ['missing fields', '{"jobInfo":{"projectId":"p"}}', 400, 'ValidationError'],
    ['empty', '', 400, 'InvalidJson'],
  ])('refuses a body that is %s with %i', async (_what, body, code, errorCode) => {
    const r = await post(body);

    expect(r.statusCode).toBe(code);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: errorCode }, timestamp: expect.any(String), requestId: 'http-req-1' });
  });

  it('lists every bad field in a 400', async () => {
    const r = await post(aSpec({ jobInfo: { projectId: 'bad id' }, timeline: [{ start: 'soon', type: 'audio' }] }));

    expect(r.statusCode).toBe(400);
    expect(JSON.parse(r.body).error.details).toEqual([
      { field: 'jobInfo.projectId', message: 'projectId may contain only letters, digits, ".", "_" and "-"' },
      { field: 'timeline.0.start', message: 'start must be a number of seconds' },
    ]);
  });

  it('refuses an oversize body with 413 before reading it, and stores nothing', async () => {
    const r = await post(aSpec({ notes: 'x'.repeat(300 * 1024) }));

    expect(r.statusCode).toBe(413);
    expect(JSON.parse(r.body).error.code).toBe('PayloadTooLarge');
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const unknown = await get('6f1c1f4e-0000-4000-8000-000000000000');
    const malformed = await get('not a job id!');

    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('JobNotFound');
    expect(malformed.statusCode).toBe(400);
    expect(JSON.parse(malformed.body).error.code).toBe('InvalidJobId');
  });

  it('rejects malformed and unstorable reports (to the dead-letter queue) and drops unknown-job ones', async () => {
    const r = await update(
      {
        Records: [
          { messageId: 'bad-json', body: '{', attributes: {} },
          { messageId: 'bad-status', body: JSON.stringify({ jobId: 'x', status: 'done' }), attributes: {} },
          { messageId: 'unknown', body: JSON.stringify({ jobId: 'no-such-job', status: 'processing' }), attributes: {} },
          { messageId: 'unstorable', body: '{"jobId":"x","status":"processing","metadata":{"n":1e400}}', attributes: {} },
        ],
      },
      lambdaContext,
    );

    expect(r).toEqual({
      batchItemFailures: [{ itemIdentifier: 'bad-json' }, { itemIdentifier: 'bad-status' }, { itemIdentifier: 'unstorable' }],
    });
  });
});

describe('job API e2e: the queue refuses', () => {
  it('marks the job failed and answers 503, so nothing stays submitted with nothing queued', async () => {
    process.env['SQS_JOB_QUEUE_URL'] = `${sqs.endpoint}/000000000000/missing`;
    const broken = await loadBundle('submit-job');
    process.env['SQS_JOB_QUEUE_URL'] = queueUrl;

    const r = (await broken(httpApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify(aSpec()) }), lambdaContext)) as HttpAnswer;

    expect(r.statusCode).toBe(503);
    const { error } = JSON.parse(r.body) as { error: { code: string; details: { jobId: string } } };
    expect(error.code).toBe('QueueUnavailable');
    expect((await jobs.get(error.details.jobId))).toMatchObject({
      status: 'failed',
      error: { type: 'JobQueueUnavailable' },
    });
  });
});

describe('job API e2e: configuration', () => {
  it('fails at cold start naming every missing variable', async () => {
    const keep = { ...process.env };
    delete process.env['DYNAMODB_JOBS_TABLE'];
    delete process.env['SQS_JOB_QUEUE_URL'];
    try {
      await expect(loadBundle('submit-job')).rejects.toThrow(
        'submit-job: invalid configuration: DYNAMODB_JOBS_TABLE is required; SQS_JOB_QUEUE_URL is required',
      );
    } finally {
      process.env = keep;
    }
  });
});
