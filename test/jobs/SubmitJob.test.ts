import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { jobStatusView } from '../../application/jobs/JobStatusView.js';
import { MAX_JOB_SPEC_BYTES } from '../../domain/jobs/jobLimits.js';
import { aSpec } from './builders.js';
import { jobsWorld } from './world.js';

describe('SubmitJob', () => {
  it('records the job as submitted, queues it, and answers in the seed shape', async () => {
    const w = jobsWorld();

    const r = await w.submit.execute({ spec: aSpec() });

    const { job } = r._unsafeUnwrap();
    expect(jobStatusView(job)).toEqual({
      jobId: '00000000-0000-4000-8000-000000000001',
      status: 'submitted',
      submittedAt: '2026-01-06T12:00:00Z',
      updatedAt: '2026-01-06T12:00:00Z',
      completedAt: null,
      processingTime: null,
      output: { url: null, urlExpiresAt: null, s3Uri: null, duration: null, size: null },
      error: null,
      metadata: { projectId: 'example', outputFilename: 'video.mp4', title: 'Ranking shorts' },
    });
    expect(w.jobs.all()).toEqual([job]);
    expect(job.spec).toEqual(aSpec());
    expect(job.ttl).toBe(Date.parse('2026-01-13T12:00:00Z') / 1000);
    expect(w.queue.messages).toEqual([{ jobId: job.jobId, spec: job.spec, submittedAt: job.submittedAt }]);
  });

  it('reports every bad field at once, with its path', async () => {
    const w = jobsWorld();

    const r = await w.submit.execute({
      spec: aSpec({ jobInfo: { projectId: 'my project' }, output: { filename: '../etc/passwd' }, timeline: [{ start: -1, type: 'audio' }] }),
    });

    expect(r).toEqual(
      err({
        type: 'InvalidInput',
        issues: [
          { field: 'jobInfo.projectId', message: 'projectId may contain only letters, digits, ".", "_" and "-"' },
          { field: 'timeline.0.start', message: 'start must not be negative' },
          { field: 'output.filename', message: 'filename must be a file name, not a path' },
        ],
      }),
    );
    expect(w.jobs.all()).toEqual([]);
    expect(w.queue.messages).toEqual([]);
  });

  it('refuses a body that is not an object', async () => {
    const r = await jobsWorld().submit.execute({ spec: [1, 2] });

    expect(r).toEqual(err({ type: 'InvalidInput', issues: [{ field: '', message: 'the body must be a JSON object (a job spec)' }] }));
  });

  it('refuses a spec too large for the queue', async () => {
    const w = jobsWorld();

    const r = await w.submit.execute({ spec: aSpec({ notes: 'x'.repeat(MAX_JOB_SPEC_BYTES) }) });

    expect(r.isErr() && r.error.type).toBe('JobSpecTooLarge');
    expect(w.jobs.all()).toEqual([]);
  });

  it('gives a retried submit with the same Idempotency-Key the same job, queued once', async () => {
    const w = jobsWorld();
    const first = (await w.submit.execute({ spec: aSpec(), idempotencyKey: 'order-42' }))._unsafeUnwrap();

    const again = await w.submit.execute({ spec: aSpec(), idempotencyKey: 'order-42' });

    expect(again).toEqual(ok({ job: first.job, replayed: true }));
    expect(w.jobs.all()).toHaveLength(1);
    expect(w.queue.messages).toHaveLength(1);
  });

  it('refuses an Idempotency-Key reused for a different spec', async () => {
    const w = jobsWorld();
    const first = (await w.submit.execute({ spec: aSpec(), idempotencyKey: 'order-42' }))._unsafeUnwrap();

    const r = await w.submit.execute({ spec: aSpec({ output: { filename: 'other.mp4' } }), idempotencyKey: 'order-42' });

    expect(r).toEqual(err({ type: 'IdempotencyKeyReused', idempotencyKey: 'order-42', jobId: first.job.jobId }));
  });

  it('refuses a malformed Idempotency-Key', async () => {
    const r = await jobsWorld().submit.execute({ spec: aSpec(), idempotencyKey: 'has space' });

    expect(r).toEqual(err({ type: 'InvalidInput', issues: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }] }));
  });

  it('marks the job failed when the queue refuses it, and lets the same key try again', async () => {
    const w = jobsWorld();
    w.queue.failNext();

    const r = await w.submit.execute({ spec: aSpec(), idempotencyKey: 'order-7' });

    expect(r).toEqual(err({ type: 'JobNotQueued', jobId: '00000000-0000-4000-8000-000000000001' }));
    expect(w.jobs.all()[0]).toMatchObject({
      status: 'failed',
      error: { type: 'JobQueueUnavailable', message: 'The job could not be queued for processing' },
    });
    const retry = (await w.submit.execute({ spec: aSpec(), idempotencyKey: 'order-7' }))._unsafeUnwrap();
    expect(retry.replayed).toBe(false);
    expect(retry.job.jobId).not.toBe('00000000-0000-4000-8000-000000000001');
    expect(w.queue.messages.map((m) => m.jobId)).toEqual([retry.job.jobId]);
  });
});

describe('SubmitJob field messages', () => {
  it('names a missing field as required', async () => {
    const r = await jobsWorld().submit.execute({ spec: { jobInfo: { projectId: 'p' } } });

    expect(r).toEqual(err({ type: 'InvalidInput', issues: [{ field: 'output', message: 'is required' }] }));
  });
});

describe('SubmitJob after a crash between the record and the send', () => {
  it('sends a job still submitted when the client retries with its key, once the first request is surely over', async () => {
    const w = jobsWorld();
    const { job } = (await w.submit.execute({ spec: aSpec(), idempotencyKey: 'order-9' }))._unsafeUnwrap();
    w.queue.take(); // the send that "never happened"
    w.clock.advanceSeconds(10);

    const early = (await w.submit.execute({ spec: aSpec(), idempotencyKey: 'order-9' }))._unsafeUnwrap();
    expect(early).toEqual({ job, replayed: true });
    expect(w.queue.messages).toEqual([]);
    w.clock.advanceSeconds(20);

    const late = (await w.submit.execute({ spec: aSpec(), idempotencyKey: 'order-9' }))._unsafeUnwrap();

    expect(late).toEqual({ job, replayed: true });
    expect(w.queue.messages.map((m) => m.jobId)).toEqual([job.jobId]);
  });

  it('does not send a job a processor already has', async () => {
    const w = jobsWorld();
    const { job } = (await w.submit.execute({ spec: aSpec(), idempotencyKey: 'order-10' }))._unsafeUnwrap();
    w.queue.take();
    (await w.update.execute({ jobId: job.jobId, change: { status: 'processing' } }))._unsafeUnwrap();
    w.clock.advanceSeconds(60);

    (await w.submit.execute({ spec: aSpec(), idempotencyKey: 'order-10' }))._unsafeUnwrap();

    expect(w.queue.messages).toEqual([]);
  });
});
