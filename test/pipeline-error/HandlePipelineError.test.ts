import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { aJob } from '../jobs/builders.js';
import { anErrorEvent, pipelineErrorWorld } from './world.js';

describe('HandlePipelineError', () => {
  it('marks a running job failed with the parsed error, the state and the time, and answers as seed 003', async () => {
    const w = pipelineErrorWorld();
    (await w.jobs.create(aJob({ jobId: 'job-abc123' })))._unsafeUnwrap();
    (await w.update.execute({ jobId: 'job-abc123', change: { status: 'processing' } }))._unsafeUnwrap();
    w.clock.advanceSeconds(90);

    const r = await w.handle.execute(anErrorEvent());

    expect(r).toEqual(ok({ job_id: 'job-abc123', status: 'failed', error_logged: true }));
    const job = (await w.jobs.get('job-abc123'))!;
    expect(job).toMatchObject({
      status: 'failed',
      failedAt: '2026-01-06T12:01:30Z',
      error: { type: 'TimeoutError', message: 'Timeout', state: 'GenerateScript' },
      metadata: { executionId: 'arn:aws:states:us-east-1:123:execution:manga-pipeline:abc' },
    });
  });

  it('writes exactly one structured error record, with correlation ids and no raw cause', async () => {
    const w = pipelineErrorWorld();
    (await w.jobs.create(aJob({ jobId: 'job-abc123' })))._unsafeUnwrap();

    (await w.handle.execute(anErrorEvent()))._unsafeUnwrap();

    const errors = w.log.records.filter((r) => r.level === 'error');
    expect(errors).toEqual([
      {
        level: 'error',
        message: 'Pipeline step failed',
        fields: {
          job_id: 'job-abc123',
          exec_id: 'arn:aws:states:us-east-1:123:execution:manga-pipeline:abc',
          failed_state: 'GenerateScript',
          error_name: 'States.TaskFailed',
          error_type: 'TimeoutError',
          error_message: 'Timeout',
          stack_trace: ['at a', 'at b'],
          job_status: 'failed',
          recorded: 'marked_failed',
          failed_at: '2026-01-06T12:00:00Z',
        },
      },
    ]);
  });

  it('publishes one alert when it fails the job', async () => {
    const w = pipelineErrorWorld();
    (await w.jobs.create(aJob({ jobId: 'job-abc123' })))._unsafeUnwrap();

    (await w.handle.execute(anErrorEvent()))._unsafeUnwrap();
    (await w.handle.execute(anErrorEvent()))._unsafeUnwrap();

    expect(w.alerts.sent).toEqual([
      {
        jobId: 'job-abc123',
        state: 'GenerateScript',
        errorType: 'TimeoutError',
        errorMessage: 'Timeout',
        executionId: 'arn:aws:states:us-east-1:123:execution:manga-pipeline:abc',
        failedAt: '2026-01-06T12:00:00Z',
      },
    ]);
  });

  it('does not mark a completed job failed when a late error arrives', async () => {
    const w = pipelineErrorWorld();
    (await w.jobs.create(aJob({ jobId: 'job-abc123' })))._unsafeUnwrap();
    (await w.update.execute({ jobId: 'job-abc123', change: { status: 'processing' } }))._unsafeUnwrap();
    const done = (await w.update.execute({ jobId: 'job-abc123', change: { status: 'completed' } }))._unsafeUnwrap();

    const r = await w.handle.execute(anErrorEvent());

    expect(r).toEqual(ok({ job_id: 'job-abc123', status: 'completed', error_logged: true }));
    expect(await w.jobs.get('job-abc123')).toEqual(done);
    expect(w.alerts.sent).toEqual([]);
  });

  it('keeps the first failure when the same error is handled twice (a retried Lambda)', async () => {
    const w = pipelineErrorWorld();
    (await w.jobs.create(aJob({ jobId: 'job-abc123' })))._unsafeUnwrap();
    (await w.handle.execute(anErrorEvent()))._unsafeUnwrap();
    const first = (await w.jobs.get('job-abc123'));
    w.clock.advanceSeconds(10);

    const r = await w.handle.execute(anErrorEvent({ state: 'Other' }));

    expect(r).toEqual(ok({ job_id: 'job-abc123', status: 'failed', error_logged: true }));
    expect(await w.jobs.get('job-abc123')).toEqual(first);
  });

  it('records an unknown job as a new failed job, so a later lookup shows why', async () => {
    const w = pipelineErrorWorld();

    const r = await w.handle.execute(anErrorEvent({ job_id: 'job-never-seen' }));

    expect(r).toEqual(ok({ job_id: 'job-never-seen', status: 'failed', error_logged: true }));
    expect((await w.jobs.get('job-never-seen'))).toMatchObject({
      status: 'failed',
      error: { type: 'TimeoutError', message: 'Timeout', state: 'GenerateScript' },
      metadata: { source: 'pipeline' },
    });
    expect(w.log.records.find((l) => l.level === 'error')?.fields['recorded']).toBe('created_failed');
    expect(w.alerts.sent).toHaveLength(1);
  });

  it('still answers when the alert cannot be sent, and says so in a warning', async () => {
    const w = pipelineErrorWorld();
    w.alerts.failNext();

    const r = await w.handle.execute(anErrorEvent());

    expect(r).toEqual(ok({ job_id: 'job-abc123', status: 'failed', error_logged: true }));
    expect(w.log.records.filter((l) => l.level === 'warn').map((l) => l.message)).toContain('Error notification not sent');
  });

  it('works without a topic configured', async () => {
    const w = pipelineErrorWorld(false);

    expect(await w.handle.execute(anErrorEvent())).toEqual(ok({ job_id: 'job-abc123', status: 'failed', error_logged: true }));
  });

  it('takes a plain-text cause and a missing error object', async () => {
    const w = pipelineErrorWorld();

    (await w.handle.execute(anErrorEvent({ error: { Error: 'States.Timeout', Cause: 'Task timed out' } })))._unsafeUnwrap();
    (await w.handle.execute(anErrorEvent({ job_id: 'job-2', error: undefined })))._unsafeUnwrap();

    expect((await w.jobs.get('job-abc123'))?.error).toEqual({ type: 'States.Timeout', message: 'Task timed out', state: 'GenerateScript' });
    expect((await w.jobs.get('job-2'))?.error).toEqual({ type: 'UnknownError', message: 'UnknownError', state: 'GenerateScript' });
  });

  it('refuses an input without a job id, and still logs the error', async () => {
    const w = pipelineErrorWorld();

    const r = await w.handle.execute(anErrorEvent({ job_id: undefined }));

    expect(r).toEqual(err({ type: 'InvalidInput', issues: [{ field: 'job_id', message: 'job_id must be a string' }] }));
    expect(w.log.records.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('ends in one failed record when many handle the same unknown job at once', async () => {
    const w = pipelineErrorWorld();

    const results = await Promise.all(Array.from({ length: 10 }, () => w.handle.execute(anErrorEvent({ job_id: 'job-race' }))));

    expect(results.every((x) => x.isOk() && x.value.status === 'failed')).toBe(true);
    expect(w.jobs.all().filter((j) => j.jobId === 'job-race')).toHaveLength(1);
    expect(w.alerts.sent).toHaveLength(1);
  });
});

describe('HandlePipelineError input', () => {
  it('names a missing job_id', async () => {
    const { job_id: _, ...noJobId } = anErrorEvent();

    const r = await pipelineErrorWorld().handle.execute(noJobId);

    expect(r).toEqual(err({ type: 'InvalidInput', issues: [{ field: 'job_id', message: 'job_id is required' }] }));
  });
});
