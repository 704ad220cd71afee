import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsJobQueue } from '../../adapters/sqs/SqsJobQueue.js';
import { InMemoryJobQueue } from '../../adapters/memory/InMemoryJobQueue.js';
import type { JobQueue } from '../../application/ports/JobQueue.js';
import { aJob } from './builders.js';
import { startFakeSqs, type FakeSqs } from './support/fakeSqs.js';

describe('JobQueue contract', () => {
  let fake: FakeSqs;
  beforeAll(async () => {
    fake = await startFakeSqs();
  });
  afterAll(() => fake.close());

  const client = () =>
    new SQSClient({ endpoint: fake.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const cases: [string, () => { queue: JobQueue; sent: () => unknown[]; broken: JobQueue }][] = [
    [
      'InMemoryJobQueue',
      () => {
        const queue = new InMemoryJobQueue();
        const broken = new InMemoryJobQueue();
        broken.failNext(1);
        return { queue, sent: () => queue.messages, broken };
      },
    ],
    [
      'SqsJobQueue (over the wire)',
      () => {
        const url = fake.createQueue(`q-${Math.random().toString(16).slice(2)}`);
        return {
          queue: new SqsJobQueue(client(), url),
          sent: () => fake.bodies(url).map((b) => JSON.parse(b) as unknown),
          broken: new SqsJobQueue(client(), `${fake.endpoint}/000000000000/missing`),
        };
      },
    ],
  ];

  describe.each(cases)('%s', (_name, make) => {
    it('delivers each job once, in order, as { jobId, spec, submittedAt }', async () => {
      const { queue, sent } = make();
      const [a, b] = [aJob(), aJob()];

      (await queue.enqueue(a))._unsafeUnwrap();
      (await queue.enqueue(b))._unsafeUnwrap();

      expect(sent()).toEqual([a, b].map((j) => ({ jobId: j.jobId, spec: j.spec, submittedAt: j.submittedAt })));
    });

    it('answers JobQueueUnavailable when the queue cannot take the job', async () => {
      const { broken } = make();

      const r = await broken.enqueue(aJob());

      expect(r.isErr() && r.error.type).toBe('JobQueueUnavailable');
    });
  });
});
