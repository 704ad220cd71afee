import { errAsync, ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { SubmitJob } from '../../application/jobs/SubmitJob.js';
import { UpdateJobStatus } from '../../application/jobs/UpdateJobStatus.js';
import type { Jobs } from '../../application/ports/Jobs.js';
import { InMemoryJobQueue } from '../../adapters/memory/InMemoryJobQueue.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { SequentialIds } from '../../adapters/memory/SequentialIds.js';
import { getJobStatusHandler } from '../../entrypoints/handlers/getJobStatus.js';
import { submitJobHandler } from '../../entrypoints/handlers/submitJob.js';
import { updateJobStatusHandler } from '../../entrypoints/handlers/updateJobStatus.js';
import { withDeadline } from '../../adapters/shared/deadline.js';
import { httpApiEvent, restApiEvent } from '../support/apiGatewayEvents.js';
import { aSpec } from './builders.js';
import { jobsWorld } from './world.js';

describe('job API handlers', () => {
  it('answers a CORS preflight with 204 and the CORS headers', async () => {
    const w = jobsWorld();

    const r = await submitJobHandler(w.submit, w.log)(httpApiEvent({ method: 'OPTIONS', path: '/jobs' }));

    expect(r.statusCode).toBe(204);
    expect(r.headers).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-headers': expect.stringContaining('idempotency-key') });
  });

  it('takes a REST (v1) event with a base64 body and points at the new job', async () => {
    const w = jobsWorld();

    const r = await submitJobHandler(w.submit, w.log)(
      restApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify(aSpec()), base64: true }),
    );

    expect(r.statusCode).toBe(202);
    expect(r.headers?.['location']).toBe('/jobs/00000000-0000-4000-8000-000000000001');
  });

  it('answers 503, not 500, when the store fails, and logs the fault', async () => {
    const w = jobsWorld();
    const broken: Jobs = {
      create: () => ResultAsync.fromSafePromise(Promise.reject(new Error('ProvisionedThroughputExceeded'))),
      get: () => Promise.reject(new Error('down')),
      update: () => errAsync({ type: 'JobNotFound', jobId: 'x' }),
      releaseIdempotencyKey: () => Promise.resolve(),
      markQueued: () => Promise.resolve(),
      unqueuedBefore: () => Promise.resolve([]),
    };
    const submit = new SubmitJob({
      jobs: broken,
      queue: new InMemoryJobQueue(),
      ids: new SequentialIds(),
      clock: new ManualClock(),
      log: w.log,
      metrics: new InMemoryMetrics(),
    });

    const r = await submitJobHandler(submit, w.log)(httpApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify(aSpec()) }));

    expect(r.statusCode).toBe(503);
    expect(w.log.messages()).toContain('Error submitting job');
  });

  it('refuses something that is not an API Gateway event with 400', async () => {
    const w = jobsWorld();

    expect((await getJobStatusHandler(w.status, w.log)({ hello: 'world' })).statusCode).toBe(400);
  });

  it('reads the job id from the path when API Gateway gives no path parameters', async () => {
    const w = jobsWorld();
    const { job } = (await w.submit.execute({ spec: aSpec() }))._unsafeUnwrap();

    const r = await getJobStatusHandler(w.status, w.log)(httpApiEvent({ method: 'GET', path: `/jobs/${job.jobId}` }));

    expect(r.statusCode).toBe(200);
    expect(r.headers?.['cache-control']).toBe('no-store');
  });
});

describe('update-job-status handler (SQS)', () => {
  const record = (messageId: string, body: unknown, fifo = false) => ({
    messageId,
    body: JSON.stringify(body),
    attributes: fifo ? { MessageGroupId: 'g' } : {},
  });

  it('returns only messages that hit a fault; on FIFO also every message after it', async () => {
    const w = jobsWorld();
    const { job } = (await w.submit.execute({ spec: aSpec() }))._unsafeUnwrap();
    const flaky: Jobs = {
      create: w.jobs.create.bind(w.jobs),
      update: w.jobs.update.bind(w.jobs),
      releaseIdempotencyKey: w.jobs.releaseIdempotencyKey.bind(w.jobs),
      markQueued: w.jobs.markQueued.bind(w.jobs),
      unqueuedBefore: w.jobs.unqueuedBefore.bind(w.jobs),
      get: (id) => (id === 'boom' ? Promise.reject(new Error('throttled')) : w.jobs.get(id)),
    };
    const update = new UpdateJobStatus({ jobs: flaky, clock: w.clock, log: w.log, metrics: w.metrics });
    const handler = updateJobStatusHandler(update, w.log, w.metrics);

    const standard = await handler({
      Records: [record('a', { jobId: 'boom', status: 'processing' }), record('b', { jobId: job.jobId, status: 'processing' })],
    } as never);
    const fifo = await handler({
      Records: [record('c', { jobId: 'boom', status: 'processing' }, true), record('d', { jobId: job.jobId, status: 'completed' }, true)],
    } as never);

    expect(standard).toEqual({ batchItemFailures: [{ itemIdentifier: 'a' }] });
    expect(fifo).toEqual({ batchItemFailures: [{ itemIdentifier: 'c' }, { itemIdentifier: 'd' }] });
    expect((await w.jobs.get(job.jobId))?.status).toBe('processing');
  });

  it('never drops a completion for arriving before a redelivered processing', async () => {
    const w = jobsWorld();
    const { job } = (await w.submit.execute({ spec: aSpec() }))._unsafeUnwrap();
    const handler = updateJobStatusHandler(w.update, w.log, w.metrics);
    const completed = { jobId: job.jobId, status: 'completed', output: { s3Uri: 's3://outputs/v.mp4' } };

    const first = await handler({ Records: [record('done', completed)] } as never);
    const late = await handler({ Records: [record('started', { jobId: job.jobId, status: 'processing' })] } as never);

    expect(first).toEqual({ batchItemFailures: [] });
    expect(late).toEqual({ batchItemFailures: [] });
    expect((await w.jobs.get(job.jobId))).toMatchObject({ status: 'completed', output: { s3Uri: 's3://outputs/v.mp4' } });
  });

  it('returns a retrying that overtook its processing to the queue, and applies it once the processing arrived', async () => {
    const w = jobsWorld();
    const { job } = (await w.submit.execute({ spec: aSpec() }))._unsafeUnwrap();
    const handler = updateJobStatusHandler(w.update, w.log, w.metrics);
    const retrying = { jobId: job.jobId, status: 'retrying', attempt: 1, error: { message: 'throttled' } };

    const early = await handler({ Records: [record('retry-1', retrying)] } as never);
    await handler({ Records: [record('start-1', { jobId: job.jobId, status: 'processing' })] } as never);
    const again = await handler({ Records: [record('retry-1', retrying)] } as never);

    expect(early).toEqual({ batchItemFailures: [{ itemIdentifier: 'retry-1' }] });
    expect(again).toEqual({ batchItemFailures: [] });
    expect((await w.jobs.get(job.jobId))).toMatchObject({ status: 'retrying', attempts: 1 });
  });

  it('returns a retrying of an attempt not yet started here, so it cannot mark the attempt before it', async () => {
    const w = jobsWorld();
    const { job } = (await w.submit.execute({ spec: aSpec() }))._unsafeUnwrap();
    (await w.update.execute({ jobId: job.jobId, change: { status: 'processing' } }))._unsafeUnwrap();
    const handler = updateJobStatusHandler(w.update, w.log, w.metrics);

    const ahead = await handler({
      Records: [record('retry-2', { jobId: job.jobId, status: 'retrying', attempt: 2, error: { message: 'oom' } })],
    } as never);

    expect(ahead).toEqual({ batchItemFailures: [{ itemIdentifier: 'retry-2' }] });
    expect((await w.jobs.get(job.jobId))).toMatchObject({ status: 'processing', attempts: 1 });
  });

  it('returns every message not started by the soft deadline, untried', async () => {
    const w = jobsWorld();
    const { job } = (await w.submit.execute({ spec: aSpec() }))._unsafeUnwrap();
    const handler = updateJobStatusHandler(w.update, w.log, w.metrics);
    const past = Date.now() - 1;

    const r = await withDeadline({ softAt: past, hardAt: past + 60_000 }, () =>
      handler({ Records: [record('late', { jobId: job.jobId, status: 'processing' })] } as never),
    );

    expect(r).toEqual({ batchItemFailures: [{ itemIdentifier: 'late' }] });
    expect((await w.jobs.get(job.jobId))?.status).toBe('submitted');
  });
});
