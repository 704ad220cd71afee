import { err } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { aSpec } from './builders.js';
import { jobsWorld } from './world.js';

describe('GetJobStatus', () => {
  it('answers 404-worthy JobNotFound for an unknown id', async () => {
    const r = await jobsWorld().status.execute({ jobId: 'f3b2c1d0-0000-4000-8000-000000000000' });

    expect(r).toEqual(err({ type: 'JobNotFound', jobId: 'f3b2c1d0-0000-4000-8000-000000000000' }));
  });

  it.each([[''], ['a/b'], ['idempotency#x'], ['x'.repeat(129)], [42]])('refuses the malformed id %j', async (jobId) => {
    const r = await jobsWorld().status.execute({ jobId });

    expect(r.isErr() && r.error.type).toBe('InvalidInput');
  });

  it('gives a completed job a link to its output, with its expiry and processing time', async () => {
    const w = jobsWorld();
    const { job } = (await w.submit.execute({ spec: aSpec() }))._unsafeUnwrap();
    w.clock.advanceSeconds(5);
    (await w.update.execute({ jobId: job.jobId, change: { status: 'processing' } }))._unsafeUnwrap();
    w.clock.advanceSeconds(40);
    (await w.update.execute({
      jobId: job.jobId,
      change: { status: 'completed', output: { s3Uri: 's3://outputs/videos/video.mp4', duration: 12.5, size: 2048 } },
    }))._unsafeUnwrap();

    const view = (await w.status.execute({ jobId: job.jobId }))._unsafeUnwrap();

    expect(view).toMatchObject({
      status: 'completed',
      completedAt: '2026-01-06T12:00:45Z',
      processingTime: 40,
      output: {
        url: 'https://outputs.s3.local/videos/video.mp4?expires=3600',
        urlExpiresAt: '2026-01-06T13:00:45Z',
        s3Uri: 's3://outputs/videos/video.mp4',
        duration: 12.5,
        size: 2048,
      },
    });
  });

  it('gives no link to an object outside the output bucket', async () => {
    const w = jobsWorld();
    const { job } = (await w.submit.execute({ spec: aSpec() }))._unsafeUnwrap();
    (await w.update.execute({ jobId: job.jobId, change: { status: 'processing' } }))._unsafeUnwrap();
    (await w.update.execute({ jobId: job.jobId, change: { status: 'completed', output: { s3Uri: 's3://elsewhere/secret' } } }))._unsafeUnwrap();

    const view = (await w.status.execute({ jobId: job.jobId }))._unsafeUnwrap();

    expect(view.output).toEqual({ url: null, urlExpiresAt: null, s3Uri: 's3://elsewhere/secret', duration: null, size: null });
  });
});
