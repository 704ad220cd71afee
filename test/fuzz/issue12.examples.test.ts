import { beforeEach, describe, expect, it } from 'vitest';
import { fuzzedSystems, PLANTED, type FuzzedSystems } from './fuzzedSystems.js';
import { deepJson } from './hostileEvents.js';
import { httpApiEvent, restApiEvent } from '../support/apiGatewayEvents.js';

/**
 * The examples of issue 12, each as it was found by a fuzz run over the bundles (13,343 events:
 * 110 × 5xx, 232 crashes). The counters, SSRF, ECS AccessDenied and secret examples have their
 * own tests (DynamoDbDailyCounters.capacity, hostNormalisation.property, dispatchToEcsHandler,
 * secretRotation).
 */
type Http = { statusCode: number; body: string };

let w: FuzzedSystems;
const handler = (name: string) => w.handlers.find((h) => h.name === name)!.handle;
const post = async (name: string, path: string, body: string, extra: Record<string, unknown> = {}) =>
  (await handler(name)({ ...httpApiEvent({ method: 'POST', path, body }), ...extra })) as Http;
const errorOf = (r: Http) => JSON.parse(r.body) as { error: { code: string; message: string; details?: { field: string; message: string }[] } };
const failure = async (run: Promise<unknown>) =>
  run.then(
    () => undefined,
    (e: unknown) => e as Error & { details?: unknown },
  );

beforeEach(() => {
  w = fuzzedSystems();
});

describe('submit-job answers 400, naming the problem, for JSON that can never be stored (was 503 "retry")', () => {
  const spec = (extra: string) =>
    `{"jobInfo":{"projectId":"p"},"output":{"filename":"v.mp4"},"assets":{"x":${extra}}}`;

  it.each([
    ['1e400', 'assets.x', 'must be a finite number'],
    ['10000000000000000', 'assets.x', 'must be at most 2^53 - 1 in magnitude'],
    ['5e-324', 'assets.x', 'underflows'],
    ['{"":1}', 'assets.x', 'has an empty key'],
    ['{"\\ud800":1}', 'assets.x', 'not valid Unicode text'],
    ['"\\ud800"', 'assets.x', 'lone surrogate'],
    [deepJson(31), '', 'more than 32 levels deep'],
    [deepJson(5_000), '', 'more than 32 levels deep'],
  ])('%s', async (value, field, message) => {
    const r = await post('submit-job', '/jobs', spec(value.length > 60 ? value : value));

    expect(r.statusCode).toBe(400);
    const issue = errorOf(r).error.details?.[0];
    expect(issue?.message).toContain(message);
    expect(issue?.field.startsWith(field)).toBe(true);
  });

  it('still accepts a spec nested exactly 32 levels deep', async () => {
    const r = await post('submit-job', '/jobs', `{"jobInfo":{"projectId":"p"},"output":{"filename":"v.mp4"},"assets":{"x":${deepJson(30)}}}`);

    expect(r.statusCode).toBe(202);
  });
});

describe('runpod-webhook with a 5,000-deep output (was a stack overflow → 503 before the token lookup)', () => {
  const deepBody = `{"id":"rp-1","status":"COMPLETED","output":${deepJson(5_000)}}`;

  it('an unknown token is answered 404', async () => {
    const r = await post('runpod-webhook', `/webhook/${'a'.repeat(64)}`, deepBody, { pathParameters: { callback_token: 'a'.repeat(64) } });

    expect(r.statusCode).toBe(404);
  });

  it("a real token's completion is not lost: the workflow resumes, the output replaced by a marker", async () => {
    const task = await w.plantWaitingCallback();

    const r = await post('runpod-webhook', `/webhook/${PLANTED.callbackToken}`, deepBody, { pathParameters: { callback_token: PLANTED.callbackToken } });

    expect(r.statusCode).toBe(200);
    const resumed = w.sfn.task(task)!;
    expect(resumed.resumeCalls).toBe(1);
    expect(JSON.parse(resumed.output ?? '{}')).toMatchObject({
      job_id: 'rp-1',
      output: null,
      output_truncated: true,
      output_too_deep: true,
    });
  });

  it('a 360 KB id is refused with 400 and never logged whole', async () => {
    const id = 'i'.repeat(360_000);

    const r = await post('runpod-webhook', `/webhook/${'a'.repeat(64)}`, `{"id":"${id}","status":"COMPLETED"}`, { pathParameters: { callback_token: 'a'.repeat(64) } });

    expect(r.statusCode).toBe(400);
    expect(Math.max(0, ...w.log.records.map((rec) => JSON.stringify(rec).length))).toBeLessThan(16 * 1024);
  });

  it('refuses a body over Lambda\'s 6 MB with 413, unparsed', async () => {
    const r = await post('runpod-webhook', `/webhook/${'a'.repeat(64)}`, ' '.repeat(6 * 1024 * 1024 + 1));

    expect(r.statusCode).toBe(413);
  });
});

describe('get-job-status on a catch-all route with a broken escape (was URIError → 502)', () => {
  it.each([restApiEvent, httpApiEvent])('answers 400 InvalidJobId', async (event) => {
    const r = (await handler('get-job-status')(event({ method: 'GET', path: '/jobs/%E0%A4%A' }))) as Http;

    expect(r.statusCode).toBe(400);
    expect(errorOf(r).error.code).toBe('InvalidJobId');
  });
});

describe('handle-error, the Catch target, records what it is given', () => {
  it('a Cause with a 6,000-deep stackTrace is recorded (was RangeError, and the failure never recorded)', async () => {
    const Cause = `{"errorMessage":"worker died","errorType":"Crash","stackTrace":${deepJson(6_000)}}`;

    const out = await handler('handle-error')({ job_id: 'job-deep', error: { Error: 'States.TaskFailed', Cause }, state: 'Render' });

    expect(out).toEqual({ job_id: 'job-deep', status: 'failed', error_logged: true });
    expect((await w.jobs.get('job-deep'))?.error?.message).toBe('worker died');
  });

  it('a job_id of 700 × € (2,100 bytes, over DynamoDB\'s 2,048-byte key limit) is InvalidInput (was ValidationException)', async () => {
    const e = await failure(handler('handle-error')({ job_id: '€'.repeat(700), error: {} }));

    expect(e?.name).toBe('InvalidInput');
    expect(e?.message).toContain('at most 2048 bytes');
  });
});

describe('Step Functions tasks reject lone surrogates and bad bucket names as InvalidInput (was URIError inside the SDK)', () => {
  it.each(['start-renderer', 'start-uploader'])('%s: job_id with a lone surrogate', async (name) => {
    const e = await failure(handler(name)({ job_id: 'job-\ud800', task_token: PLANTED.taskToken }));

    expect(e?.name).toBe('InvalidInput');
  });

  it.each([
    ['my-\ud800bucket', 'lone surrogate'],
    ['My_Bucket', 'lowercase letters'],
    ['ab', '3 to 63'],
    ['192.168.1.1', 'IP address'],
    ['bucket..name', '".."'],
  ])('submit-runpod-job: bucket %j', async (bucket, message) => {
    const e = await failure(
      handler('submit-runpod-job')({
        task_token: PLANTED.taskToken,
        exec_id: 'e',
        segment: { filename: 'f', input_key: 'in/f', output_key: 'out/f' },
        bucket,
      }),
    );

    expect(e?.name).toBe('InvalidInput');
    expect(e?.message).toContain(message);
  });
});

describe('SQS handlers never throw for a malformed event or record', () => {
  it.each([{ Records: 'x' }, { Records: [null] }, { Records: [{ messageId: 7 }] }, null, {}])('update-job-status: %j', async (event) => {
    expect(await handler('update-job-status')(event)).toEqual({ batchItemFailures: [] });
  });

  it('update-job-status rejects an unstorable report (to the dead-letter queue) instead of retrying it as a fault', async () => {
    const body = '{"jobId":"job-1","status":"processing","metadata":{"n":1e400}}';

    const r = await handler('update-job-status')({ Records: [{ messageId: 'm1', body, attributes: {} }] });

    expect(r).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(w.log.messages()).toContain('SQS message rejected; it will reach the dead-letter queue');
  });

  it('dispatch-to-ecs: a non-string Idempotency-Key header is no TypeError', async () => {
    const event = httpApiEvent({ method: 'POST', path: '/jobs', body: '{"url":"https://media.example.com/a.m3u8"}' });

    const r = (await handler('dispatch-to-ecs')({ ...event, headers: { 'idempotency-key': 42 } })) as Http;

    expect(r.statusCode).toBe(202);
  });
});
