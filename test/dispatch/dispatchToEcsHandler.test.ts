import type { SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryContainerTasks } from '../../adapters/memory/InMemoryContainerTasks.js';
import { InMemoryDispatches } from '../../adapters/memory/InMemoryDispatches.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { SequentialIds } from '../../adapters/memory/SequentialIds.js';
import { DispatchToEcs } from '../../application/dispatch/DispatchToEcs.js';
import { dispatchToEcsHandler, eventKind } from '../../entrypoints/handlers/dispatchToEcs.js';
import { httpApiEvent, restApiEvent } from '../support/apiGatewayEvents.js';
import { aDispatch, STREAM_URL, T0 } from './builders.js';

type HttpAnswer = { statusCode: number; headers: Record<string, string>; body: string };
type BatchAnswer = { batchItemFailures: { itemIdentifier: string }[] };

const record = (messageId: string, body: unknown, queue = 'arn:aws:sqs:us-east-1:123456789012:jobs'): SQSRecord =>
  ({
    messageId,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1' },
    eventSource: 'aws:sqs',
    eventSourceARN: queue,
  }) as unknown as SQSRecord;

describe('dispatch-to-ecs handler', () => {
  let dispatches: InMemoryDispatches;
  let tasks: InMemoryContainerTasks;
  let metrics: InMemoryMetrics;
  let log: RecordingLog;
  let handle: ReturnType<typeof dispatchToEcsHandler>;

  beforeEach(() => {
    dispatches = new InMemoryDispatches();
    tasks = new InMemoryContainerTasks();
    metrics = new InMemoryMetrics();
    log = new RecordingLog();
    const useCase = new DispatchToEcs(
      { dispatches, containerTasks: tasks, clock: new ManualClock(T0), log, metrics },
      { taskDefinition: 'recorder:3', containerName: 'recorder', bucket: 'b', ttlDays: 7, leaseSeconds: 120 },
    );
    handle = dispatchToEcsHandler(useCase, new SequentialIds(), log, metrics);
  });

  it.each([
    [{ Records: [record('m1', {})] }, 'sqs'],
    [{ Records: [{ eventSource: 'aws:sns' }] }, 'unknown'],
    [{ Records: [] }, 'unknown'],
    [restApiEvent({ method: 'POST', path: '/jobs', body: '{}' }), 'http'],
    [httpApiEvent({ method: 'POST', path: '/jobs', body: '{}' }), 'http'],
    [{ url: STREAM_URL }, 'direct'],
    [{ hello: 'world' }, 'unknown'],
    ['a string', 'unknown'],
  ])('detects %j as %s', (event, kind) => {
    expect(eventKind(event)).toBe(kind);
  });

  it('uses a fresh UUID as the job id when the API request has no Idempotency-Key', async () => {
    const res = (await handle(httpApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify({ url: STREAM_URL }) }))) as HttpAnswer;

    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body).job_id).toMatch(/^00000000-0000-4000-8000-/);
  });

  it('answers 409 with Retry-After while another request is launching the same job', async () => {
    (await dispatches.create(aDispatch({ jobId: 'busy', now: T0 })))._unsafeUnwrap();

    const res = (await handle(
      httpApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify({ url: STREAM_URL }), headers: { 'idempotency-key': 'busy' } }),
    )) as HttpAnswer;

    expect(res.statusCode).toBe(409);
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'LaunchInProgress', details: { job_id: 'busy' } });
  });

  it('answers 400 naming the header for a malformed Idempotency-Key, and 405 for other methods', async () => {
    const bad = (await handle(
      httpApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify({ url: STREAM_URL }), headers: { 'idempotency-key': 'a/b' } }),
    )) as HttpAnswer;
    const get = (await handle(httpApiEvent({ method: 'GET', path: '/jobs' }))) as HttpAnswer;

    expect(JSON.parse(bad.body).error.details).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    expect(get.statusCode).toBe(405);
  });

  it('answers 503 (not 500) when the job store is throttled beyond its retries', async () => {
    dispatches.throttleNext(1);

    const res = (await handle(httpApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify({ url: STREAM_URL }) }))) as HttpAnswer;

    expect(res.statusCode).toBe(503);
    expect(log.messages()).toContain('Error dispatching job');
  });

  it('returns a throttled message to the queue and keeps the rest of the batch', async () => {
    dispatches.throttleNext(1);

    const res = (await handle({ Records: [record('m1', { url: STREAM_URL }), record('m2', { url: STREAM_URL })] })) as BatchAnswer;

    expect(res.batchItemFailures).toHaveLength(1);
    expect(tasks.tasks()).toHaveLength(1);
  });

  it('stops a FIFO batch at the first retried message and returns every later message, in order', async () => {
    const fifo = 'arn:aws:sqs:us-east-1:123456789012:jobs.fifo';
    dispatches.throttleNext(1);
    const batch = [
      record('f1', { url: STREAM_URL }, fifo),
      record('f2', { url: STREAM_URL }, fifo),
      record('f3', { url: STREAM_URL }, fifo),
    ];

    const res = (await handle({ Records: batch })) as BatchAnswer;

    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['f1', 'f2', 'f3']);
    expect(tasks.tasks()).toHaveLength(0);
  });

  it('rejects a poison message of a FIFO batch without holding up the messages after it (it will never apply)', async () => {
    const fifo = 'arn:aws:sqs:us-east-1:123456789012:jobs.fifo';
    const batch = [
      record('f1', { url: STREAM_URL }, fifo),
      record('f2', 'not json', fifo),
      record('f3', { url: STREAM_URL }, fifo),
    ];

    const res = (await handle({ Records: batch })) as BatchAnswer;

    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['f2']);
    expect(tasks.tasks()).toHaveLength(2);
  });

  it('answers an ECS AccessDenied with 502 and no ARN, account id or role in the body (the log keeps them)', async () => {
    const denial =
      'User: arn:aws:sts::123456789012:assumed-role/baton-dispatch-role/baton-dispatch-to-ecs is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:123456789012:task-definition/recorder:3';
    tasks.failNext({ type: 'LaunchRejected', failures: [{ reason: 'AccessDeniedException', detail: denial, kind: 'unknown' }] });

    const res = (await handle(httpApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify({ url: STREAM_URL, job_id: 'j-denied' }) }))) as HttpAnswer;

    expect(res.statusCode).toBe(502);
    expect(res.body).not.toMatch(/arn:aws|123456789012|baton-dispatch-role/);
    expect(res.body).toContain('not authorized to perform: ecs:RunTask');
    expect(JSON.stringify(log.records)).toContain('123456789012');
  });

  it('logs why a poison message was rejected, with its message id and receive count', async () => {
    await handle({ Records: [record('p1', { url: 'ftp://x.example.com/' })] });

    const entry = log.records.find((r) => r.message.startsWith('SQS message rejected'));
    expect(entry?.fields).toMatchObject({ message_id: 'p1', receive_count: 1 });
    expect(metrics.get('SqsMessagesRejected')).toBe(1);
  });
});
