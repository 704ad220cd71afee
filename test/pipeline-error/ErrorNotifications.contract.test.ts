import { SNSClient } from '@aws-sdk/client-sns';
import { ok } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorNotifications, PipelineErrorAlert } from '../../application/ports/ErrorNotifications.js';
import { InMemoryErrorNotifications } from '../../adapters/memory/InMemoryErrorNotifications.js';
import { SnsErrorNotifications } from '../../adapters/sns/SnsErrorNotifications.js';
import { freePort, LOCAL_AWS } from '../support/dynamoDbLocal.js';
import { startFakeSns, type FakeSns } from './support/fakeSns.js';

interface Harness {
  readonly notifications: ErrorNotifications;
  /** The alerts that reached the receiving end, read back in the port's terms. */
  received(): PipelineErrorAlert[];
  /** The receiving end refuses the next send. */
  failNext(): void;
}

const anAlert = (overrides: Partial<PipelineErrorAlert> = {}): PipelineErrorAlert => ({
  jobId: 'job-1',
  state: 'RenderVideo',
  errorType: 'RenderError',
  errorMessage: 'ffmpeg exited 1',
  executionId: 'arn:aws:states:us-east-1:123456789012:execution:manga-pipeline:e-1',
  failedAt: '2026-01-06T12:00:00Z',
  ...overrides,
});

/** The SNS adapter's message body (snake_case JSON) back into an alert. */
function alertFromMessage(message: string): PipelineErrorAlert {
  const m = JSON.parse(message) as Record<string, string | undefined>;
  return {
    jobId: m['job_id']!,
    state: m['state']!,
    errorType: m['error_type']!,
    errorMessage: m['error_message']!,
    ...(m['execution_id'] === undefined ? {} : { executionId: m['execution_id'] }),
    failedAt: m['failed_at']!,
  };
}

let sns: FakeSns;
let topics = 0;
beforeAll(async () => {
  sns = await startFakeSns();
});
afterAll(() => sns.close());

const snsClient = (endpoint: string) => new SNSClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });

const harnesses: [string, () => Harness][] = [
  [
    'InMemoryErrorNotifications',
    () => {
      const memory = new InMemoryErrorNotifications();
      return { notifications: memory, received: () => [...memory.sent], failNext: () => memory.failNext() };
    },
  ],
  [
    'SnsErrorNotifications (SDK over the wire)',
    () => {
      // A topic per harness: the server is shared by every test of the file.
      const topic = `arn:aws:sns:us-east-1:123456789012:pipeline-errors-${++topics}`;
      return {
        notifications: new SnsErrorNotifications(snsClient(sns.endpoint), topic),
        received: () => sns.published.filter((p) => p.TopicArn === topic).map((p) => alertFromMessage(p.Message)),
        failNext: () => sns.failNext(),
      };
    },
  ],
];

describe.each(harnesses)('ErrorNotifications contract: %s', (_name, make) => {
  it('delivers a notified alert with every field', async () => {
    const h = make();
    const alert = anAlert();

    const result = await h.notifications.notify(alert);

    expect(result).toEqual(ok(undefined));
    expect(h.received()).toEqual([alert]);
  });

  it('delivers an alert without an execution id without one', async () => {
    const h = make();
    const { executionId: _dropped, ...rest } = anAlert({ jobId: 'job-no-exec' });

    (await h.notifications.notify(rest))._unsafeUnwrap();

    expect(h.received()).toEqual([rest]);
    expect(h.received()[0]).not.toHaveProperty('executionId');
  });

  it('keeps the error message intact: line breaks, quotes, markup, non-ASCII, 10 000 characters', async () => {
    const h = make();
    const errorMessage = `Traceback:\n  File "render.py", line 7\n<Error>&a=b+c%20</Error>\tÉchec — 失敗 🎬\r\n${'x'.repeat(10_000)}`;
    const alert = anAlert({ errorMessage, state: 'Génère «script»' });

    expect(await h.notifications.notify(alert)).toEqual(ok(undefined));

    expect(h.received()).toEqual([alert]);
  });

  it('delivers several alerts once each, in order', async () => {
    const h = make();
    const alerts = ['job-a', 'job-b', 'job-c'].map((jobId) => anAlert({ jobId }));

    for (const alert of alerts) expect(await h.notifications.notify(alert)).toEqual(ok(undefined));

    expect(h.received()).toEqual(alerts);
  });

  it('answers a refused send with NotificationNotSent (a value, not a throw), delivers nothing, and sends again after', async () => {
    const h = make();
    h.failNext();

    const refused = await h.notifications.notify(anAlert({ jobId: 'job-refused' }));
    const next = await h.notifications.notify(anAlert({ jobId: 'job-next' }));

    expect(refused.isErr() && refused.error.type).toBe('NotificationNotSent');
    expect(refused.isErr() && refused.error.cause).toBeDefined();
    expect(next).toEqual(ok(undefined));
    expect(h.received().map((a) => a.jobId)).toEqual(['job-next']);
  });
});

describe('SnsErrorNotifications over the wire', () => {
  it('sends a subject SNS accepts (printable ASCII, at most 100 characters) naming the job, state and error', async () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:pipeline-errors-subject';
    const adapter = new SnsErrorNotifications(snsClient(sns.endpoint), topic);

    (await adapter.notify(anAlert({ jobId: 'job-s', state: 'Génère' })))._unsafeUnwrap();
    (await adapter.notify(anAlert({ jobId: 'job-long', state: 'É\n'.repeat(80) })))._unsafeUnwrap();

    const subjects = sns.published.filter((p) => p.TopicArn === topic).map((p) => p.Subject);
    expect(subjects[0]).toBe('Pipeline job job-s failed in G?n?re: RenderError');
    expect(subjects[1]!.length).toBe(100);
    expect(subjects.every((s) => /^[\x20-\x7e]{1,100}$/.test(s))).toBe(true);
  });

  it('answers an unreachable SNS endpoint with NotificationNotSent instead of rejecting', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;

    const result = await new SnsErrorNotifications(snsClient(nobody), 'arn:aws:sns:us-east-1:1:t').notify(anAlert());

    expect(result.isErr() && result.error.type).toBe('NotificationNotSent');
  });
});
