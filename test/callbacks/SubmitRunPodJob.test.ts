import { err } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { webhookUrl } from '../../application/runpod/SubmitRunPodJob.js';
import { callbackHarness } from './callbackHarness.js';

const event = (extra: Record<string, unknown> = {}) => ({
  task_token: 'AQCEAAAAKgAAAA-task',
  exec_id: 'execution-123',
  segment: { filename: 'seg_0001.mp4', input_key: 'runs/exec-123/raw/seg_0001.mp4', output_key: 'runs/exec-123/upscaled/seg_0001.mp4' },
  params: { model: '7b', resolution: 1080 },
  bucket: 'my-bucket',
  presign_expires_secs: 21600,
  ...extra,
});

describe('SubmitRunPodJob', () => {
  it('returns exactly the seed output and stores the mapping with the RunPod job id', async () => {
    const h = callbackHarness();

    const out = (await h.submit.execute(event()))._unsafeUnwrap();

    expect(out).toEqual({
      callback_token: h.mappings.all()[0]!.callbackToken,
      job_id: 'runpod-job-1',
      webhook_url: `https://api.example.com/webhook/${out.callback_token}`,
      segment_filename: 'seg_0001.mp4',
      exec_id: 'execution-123',
    });
    expect(h.mappings.all()).toEqual([
      expect.objectContaining({ status: 'PENDING', taskToken: 'AQCEAAAAKgAAAA-task', jobId: 'runpod-job-1', execId: 'execution-123' }),
    ]);
  });

  it('stores the mapping before RunPod hears of the job', async () => {
    const h = callbackHarness();
    let seenAtSubmit: string[] = [];
    h.gpuJobs.onSubmit = () => {
      seenAtSubmit = h.mappings.all().map((m) => m.status);
    };

    (await h.submit.execute(event()))._unsafeUnwrap();

    expect(seenAtSubmit).toEqual(['PENDING']);
  });

  it('sends RunPod the presigned URLs, the params and the webhook, and presigns GET input / PUT output', async () => {
    const h = callbackHarness();

    const out = (await h.submit.execute(event()))._unsafeUnwrap();

    expect(h.urls.requests).toEqual([
      { bucket: 'my-bucket', inputKey: 'runs/exec-123/raw/seg_0001.mp4', outputKey: 'runs/exec-123/upscaled/seg_0001.mp4', expiresSecs: 21600 },
    ]);
    expect(h.gpuJobs.jobs[0]!.request).toEqual({
      input: {
        input_presigned_url: expect.stringContaining('raw/seg_0001.mp4?X-Method=GET'),
        output_presigned_url: expect.stringContaining('upscaled/seg_0001.mp4?X-Method=PUT'),
        params: { model: '7b', resolution: 1080 },
      },
      webhook: out.webhook_url,
    });
  });

  it('uses BUCKET_NAME and the default expiry when the event has none', async () => {
    const h = callbackHarness({ defaultBucket: 'default-bucket', defaultPresignExpiresSecs: 900 });

    (await h.submit.execute(event({ bucket: undefined, presign_expires_secs: undefined })))._unsafeUnwrap();

    expect(h.urls.requests[0]).toMatchObject({ bucket: 'default-bucket', expiresSecs: 900 });
  });

  it('passes RunPod a policy from the event, else from configuration', async () => {
    const h = callbackHarness({ defaultPolicy: { executionTimeout: 600_000, ttl: 3_600_000 } });

    (await h.submit.execute(event()))._unsafeUnwrap();
    (await h.submit.execute(event({ task_token: 'another-task', policy: { executionTimeout: 120_000 } })))._unsafeUnwrap();

    expect(h.gpuJobs.jobs.map((j) => j.request.policy)).toEqual([
      { executionTimeout: 600_000, ttl: 3_600_000 },
      { executionTimeout: 120_000, ttl: 3_600_000 },
    ]);
  });

  it('names every invalid field', async () => {
    const h = callbackHarness({ defaultBucket: undefined });

    const result = await h.submit.execute({ task_token: '', segment: { filename: 'a' }, presign_expires_secs: 10 });

    expect(result.isErr() && result.error.type).toBe('InvalidInput');
    const fields = result.isErr() && result.error.type === 'InvalidInput' ? result.error.issues.map((i) => i.field) : [];
    expect(fields).toEqual(['task_token', 'exec_id', 'segment.input_key', 'segment.output_key', 'presign_expires_secs']);
    expect(h.gpuJobs.jobs).toHaveLength(0);
    expect(h.mappings.all()).toHaveLength(0);
  });

  it('refuses a missing bucket when there is no default', async () => {
    const h = callbackHarness({ defaultBucket: undefined });

    expect(await h.submit.execute(event({ bucket: undefined }))).toEqual(
      err({ type: 'InvalidInput', issues: [{ field: 'bucket', message: 'bucket is required (no BUCKET_NAME default is set)' }] }),
    );
  });

  it('leaves no PENDING mapping behind when RunPod refuses the job', async () => {
    const h = callbackHarness();
    h.gpuJobs.rejectNextWith(401, 'Unauthorized');

    const result = await h.submit.execute(event());

    expect(result).toEqual(err({ type: 'GpuJobRejected', status: 401, detail: 'Unauthorized' }));
    expect(h.mappings.all()).toEqual([]);
    expect(h.log.messages()).toContain('Error submitting to RunPod');
  });

  it('leaves no PENDING mapping behind when RunPod surely never got the request', async () => {
    const h = callbackHarness();
    h.gpuJobs.unreachableNext();

    const result = await h.submit.execute(event());

    expect(result).toEqual(err({ type: 'GpuJobNotSubmitted', detail: 'connect ECONNREFUSED' }));
    expect(h.mappings.all()).toEqual([]);
  });

  it('keeps the mapping when RunPod took the job but its answer was lost, and answers the task as submitted', async () => {
    const h = callbackHarness();
    h.gpuJobs.loseNextAnswer();

    const out = (await h.submit.execute(event()))._unsafeUnwrap();

    expect(out.job_id).toBe('');
    expect(h.mappings.all()).toEqual([expect.objectContaining({ callbackToken: out.callback_token, status: 'PENDING' })]);
    expect(h.metrics.get('RunPodSubmitsUnconfirmed')).toBe(1);
  });

  it('keeps the mapping on an unknown fault (the job may exist) and throws', async () => {
    const h = callbackHarness();
    h.gpuJobs.failNextWith(new Error('socket hang up'));

    await expect(h.submit.execute(event())).rejects.toThrow('socket hang up');
    expect(h.mappings.all()).toEqual([expect.objectContaining({ status: 'PENDING' })]);
  });

  it('answers a repeated delivery of the same task from its mapping: one RunPod job, the same callback token', async () => {
    const h = callbackHarness();

    const first = (await h.submit.execute(event()))._unsafeUnwrap();
    const again = (await h.submit.execute(event()))._unsafeUnwrap();

    expect(again).toEqual(first);
    expect(h.gpuJobs.jobs).toHaveLength(1);
  });

  it('never posts again for a task whose first submit lost its answer: the job that may exist reports to the same token', async () => {
    const h = callbackHarness();
    h.gpuJobs.loseNextAnswer();
    const first = (await h.submit.execute(event()))._unsafeUnwrap();

    const again = (await h.submit.execute(event()))._unsafeUnwrap();

    expect(again).toEqual(first);
    expect(h.gpuJobs.jobs).toHaveLength(1);
    expect(h.gpuJobs.jobs[0]!.request.webhook).toBe(first.webhook_url);
  });

  it('submits afresh after a definite refusal removed the mapping', async () => {
    const h = callbackHarness();
    h.gpuJobs.unreachableNext();
    const refused = await h.submit.execute(event());
    expect(refused.isErr() && refused.error.type).toBe('GpuJobNotSubmitted');

    const retried = (await h.submit.execute(event()))._unsafeUnwrap();

    expect(retried.job_id).toBe('runpod-job-1');
    expect(h.gpuJobs.jobs).toHaveLength(1);
  });

  it('gives different tasks different callback tokens', async () => {
    const h = callbackHarness();

    const a = (await h.submit.execute(event({ task_token: 'task-a' })))._unsafeUnwrap();
    const b = (await h.submit.execute(event({ task_token: 'task-b' })))._unsafeUnwrap();

    expect(a.callback_token).not.toBe(b.callback_token);
    expect(a.callback_token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('logs the seed key messages, with tokens only as fingerprints', async () => {
    const h = callbackHarness();

    const out = (await h.submit.execute(event()))._unsafeUnwrap();

    expect(h.log.messages()).toEqual([
      'Generated callback token',
      'Webhook URL',
      'Presigned URLs generated successfully',
      'RunPod job submitted successfully',
      'Callback mapping stored successfully',
    ]);
    const text = JSON.stringify(h.log.records);
    expect(text).not.toContain(out.callback_token);
    expect(text).toContain('fp:');
  });
});

describe('webhookUrl', () => {
  it.each(['https://api.example.com/webhook', 'https://api.example.com/webhook/', 'https://api.example.com/webhook//'])(
    'joins %s and the token with one slash',
    (base) => {
      expect(webhookUrl(base, 'abc')).toBe('https://api.example.com/webhook/abc');
    },
  );
});
