import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { UPSCALE_ARN_PARAMETERS, UPSCALE_PIPELINE_FILE, upscaleDefinition, upscaleHarness } from './upscaleHarness.js';
import { worstCaseSeconds } from './worstCase.js';

const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText(separator?: string): string;
};

type State = Record<string, any>;
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const STATE_PAYLOAD_LIMIT = 262_144;

describe('pipelines/upscale-pipeline.asl.json', () => {
  const definition = upscaleDefinition();
  const map: State = definition.States.UpscaleSegments;
  const submit: State = map.ItemProcessor.States.SubmitRunPodJob;

  it('is valid Amazon States Language, as written and once substituted', () => {
    for (const d of [JSON.parse(readFileSync(UPSCALE_PIPELINE_FILE, 'utf8')), definition]) {
      const result = aslValidator(d);
      expect(result.errorsText('\n')).toBe('');
      expect(result.isValid).toBe(true);
    }
  });

  it('takes the four Lambda ARNs as definition substitutions, and nothing else', () => {
    const names = [...readFileSync(UPSCALE_PIPELINE_FILE, 'utf8').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(new Set(names)).toEqual(new Set(UPSCALE_ARN_PARAMETERS));
  });

  it('submit-runpod-job waits for its token with a timeout and a heartbeat the reconciler can keep alive', () => {
    expect(submit.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(submit.Parameters.Payload['task_token.$']).toBe('$$.Task.Token');
    // The execution's ARN is stored on the mapping: when the execution ends, its RunPod jobs are cancelled.
    expect(map.ItemSelector['execution_arn.$']).toBe('$$.Execution.Id');
    expect(submit.Parameters.Payload['execution_arn.$']).toBe('$.execution_arn');
    expect(submit.TimeoutSeconds).toBe(3600);
    // runpod-reconcile heartbeats mappings older than RECONCILE_AFTER_SECONDS (300) on a 5-minute schedule: the
    // first beat comes within ~600 s, then every ~300 s. 900 s tolerates one missed run.
    expect(submit.HeartbeatSeconds).toBe(900);
    expect(submit.HeartbeatSeconds).toBeLessThan(submit.TimeoutSeconds);
  });

  it('RunPod ends the job (policy, in ms) before Step Functions gives up on the task', () => {
    const { executionTimeout, ttl } = submit.Parameters.Payload.policy;
    expect(executionTimeout).toBeLessThanOrEqual(ttl);
    expect(ttl / 1000).toBeLessThan(submit.TimeoutSeconds);
  });

  it('never retries what cannot succeed (InvalidInput, RunPodRejected, CANCELLED, TIMED_OUT); retries the rest', () => {
    expect(submit.Retry[0]).toEqual({ ErrorEquals: ['InvalidInput', 'RunPodRejected', 'CANCELLED', 'TIMED_OUT'], MaxAttempts: 0 });
    expect(submit.Retry.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], MaxAttempts: 2 });
  });

  it('runs at most 10 segments at once; the results replace the segment list, so the state never holds both', () => {
    expect(map.MaxConcurrency).toBe(10);
    expect(map.ResultPath).toBe(map.ItemsPath);
    expect(submit.ResultSelector).toEqual({ 'runpod_job_id.$': '$.job_id' });
    expect(Object.keys(map.ItemProcessor.States.KeepForAssembly.Parameters)).toEqual(['filename.$', 'output_key.$', 'runpod_job_id.$']);
  });

  it('every failure reaches HandleError with its state name, then fails the execution; no execution timeout skips it', () => {
    expect(definition.TimeoutSeconds).toBeUndefined();
    for (const name of ['SplitVideo', 'UpscaleSegments', 'AssembleVideo']) {
      const state: State = definition.States[name];
      expect(state.Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: `${name}Failed` }]);
      expect(definition.States[`${name}Failed`]).toMatchObject({ Next: 'HandleError', Parameters: { state: name } });
    }
    expect(definition.States.HandleError.Next).toBe('PipelineFailed');
  });

  it('one wave of segments takes at most ~9 h (three attempts at 3,600 s, six more if Lambda faults): the Map has no fixed bound', () => {
    expect(worstCaseSeconds(map.ItemProcessor)).toBe(9 * 3600 + 126 + 90);
    expect(worstCaseSeconds(definition as never, { mapItems: 100 })).toBeGreaterThan(10 * 9 * 3600);
  });

  it('an inline Map holds up to 961 segments under 256 KiB; more need a Distributed Map (results to S3)', () => {
    // Worst plausible names: an 80-character execution name (Step Functions' maximum) and five-digit segment numbers.
    const exec = 'x'.repeat(80);
    const filename = 'seg_99999.mp4';
    const segment = { filename, input_key: `runs/${exec}/raw/${filename}`, output_key: `runs/${exec}/upscaled/${filename}` };
    const result = { filename, output_key: segment.output_key, runpod_job_id: 'c80ffee4-f315-4e25-a146-0f3d98cf024b-u1' };
    const input = {
      bucket: 'b'.repeat(63),
      input_key: `uploads/${'v'.repeat(200)}.mp4`,
      params: { model: '7b', resolution: 1080, batch_size_strategy: 'quality', batch_size_quality: 129, chunk_size_strategy: 'recommended', chunk_size_recommended: 64, compile_dit: true, compile_vae: true, video_backend: 'ffmpeg', ten_bit: false },
      split: { segments: [] },
    };
    const lambdaEnvelope = 1024; // lambda:invoke's raw result around Payload (status code, headers) before ResultSelector
    const perSegment = Math.max(bytes(segment), bytes(result)) + 1;

    const inlineLimit = Math.floor((STATE_PAYLOAD_LIMIT - bytes(input) - lambdaEnvelope) / perSegment);

    expect(inlineLimit).toBe(961);
  });
});

describe('the upscaling pipeline, executed locally on our handlers, RunPod and the webhook', () => {
  it('happy path: every segment upscaled once, 10 at a time, assembled in order, each task resumed exactly once', async () => {
    const h = upscaleHarness();
    h.setSegments(12);

    const result = await h.run();

    expect(result.status).toBe('SUCCEEDED');
    expect(h.maxInFlight()).toBe(10);
    const assembled = h.calls.find((c) => c.state === 'AssembleVideo')!.input;
    expect(assembled.segments.map((s: State) => s.filename)).toEqual(Array.from({ length: 12 }, (_, i) => `seg_${String(i + 1).padStart(4, '0')}.mp4`));
    expect(assembled.segments[0]).toEqual({ filename: 'seg_0001.mp4', output_key: 'runs/upscale-exec-1/upscaled/seg_0001.mp4', runpod_job_id: expect.stringMatching(/^runpod-job-/) });
    expect(h.gpuJobs.jobs).toHaveLength(12);
    expect(h.gpuJobs.jobs[0]!.request.policy).toEqual({ executionTimeout: 3_000_000, ttl: 3_300_000 });
    expect(h.sfn.allTasks().map((t) => [t.state, t.resumeCalls])).toEqual(Array(12).fill(['succeeded', 1]));
    expect(h.mappings.all().every((m) => m.status === 'COMPLETED')).toBe(true);
    expect(h.mappings.all()[0]!.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:upscale-pipeline:upscale-exec-1');
    expect((result as { output: State }).output.assembled.result).toEqual({ video_key: 'runs/upscale-exec-1/final.mp4', segments: 12 });
    // The size model above, checked on the real output: each result is exactly the three kept fields.
    expect(bytes(assembled.segments)).toBe(2 + assembled.segments.reduce((n: number, s: State) => n + bytes(s) + 1, -1));
  });

  it('RunPod delivering every webhook twice still resumes each task once', async () => {
    const h = upscaleHarness();
    h.behaviours.push(...Array(3).fill({ status: 'COMPLETED', duplicate: true }));

    const result = await h.run();

    expect(result.status).toBe('SUCCEEDED');
    expect(h.webhookStatuses).toHaveLength(6);
    expect(h.webhookStatuses.every((s) => s === 200 || s === 202)).toBe(true);
    expect(h.sfn.allTasks().map((t) => t.resumeCalls)).toEqual([1, 1, 1]);
  });

  it('a FAILED job is submitted again and the video completes', async () => {
    const h = upscaleHarness();
    h.setSegments(1);
    h.behaviours.push({ status: 'FAILED', error: 'CUDA out of memory' });

    const result = await h.run();

    expect(result.status).toBe('SUCCEEDED');
    expect(h.gpuJobs.jobs).toHaveLength(2);
    expect(h.sfn.allTasks().map((t) => t.state)).toEqual(['failed', 'succeeded']);
  });

  it('a segment that fails three times fails the video: HandleError records it under the Map\'s name', async () => {
    const h = upscaleHarness();
    h.setSegments(1);
    h.behaviours.push(...Array(3).fill({ status: 'FAILED', error: 'CUDA out of memory' }));

    const result = await h.run();

    expect(result).toMatchObject({ status: 'FAILED', error: 'FAILED', cause: 'CUDA out of memory' });
    expect(h.gpuJobs.jobs).toHaveLength(3);
    expect(h.states().filter((s) => s === 'HandleError')).toHaveLength(1);
    expect(h.jobs.all()).toMatchObject([{ jobId: 'upscale-exec-1', status: 'failed', error: { state: 'UpscaleSegments', message: 'CUDA out of memory' } }]);
  });

  it.each([
    ['CANCELLED', 'someone cancelled it'],
    ['TIMED_OUT', 'execution timeout exceeded'],
  ] as const)('a %s job is not submitted again', async (status, error) => {
    const h = upscaleHarness();
    h.setSegments(1);
    h.behaviours.push({ status, error });

    const result = await h.run();

    expect(result).toMatchObject({ status: 'FAILED', error: status });
    expect(h.gpuJobs.jobs).toHaveLength(1);
  });

  it('RunPod refusing the job (RunPodRejected) is not retried: the mapping is discarded and the failure recorded', async () => {
    const h = upscaleHarness();
    h.setSegments(1);
    h.gpuJobs.rejectNextWith(401, 'invalid api key');

    const result = await h.run();

    expect(result).toMatchObject({ status: 'FAILED', error: 'RunPodRejected' });
    expect(h.states().filter((s) => s === 'SubmitRunPodJob')).toHaveLength(1);
    expect(h.mappings.all()).toEqual([]);
    expect(h.jobs.all()[0]).toMatchObject({ status: 'failed', error: { state: 'UpscaleSegments' } });
  });

  it('a segment the splitter got wrong is InvalidInput: not retried, nothing submitted', async () => {
    const h = upscaleHarness();
    h.splitInto([{ filename: 'seg_0001.mp4', input_key: 'runs/x/raw/seg_0001.mp4' }]);

    const result = await h.run();

    expect(result).toMatchObject({ status: 'FAILED', error: 'InvalidInput' });
    expect(h.states().filter((s) => s === 'SubmitRunPodJob')).toHaveLength(1);
    expect(h.gpuJobs.jobs).toEqual([]);
  });

  it('a job that dies silently (no webhook, no reconciler heartbeat) fails on HeartbeatSeconds and is submitted again', async () => {
    const h = upscaleHarness();
    h.setSegments(1);
    h.behaviours.push({ status: 'lost' });

    const result = await h.run();

    expect(result.status).toBe('SUCCEEDED');
    expect(h.gpuJobs.jobs).toHaveLength(2);
    expect(h.sfn.allTasks().map((t) => t.state)).toEqual(['timedOut', 'succeeded']);
  });

  it('three silent deaths fail the video with States.HeartbeatTimeout, recorded by HandleError', async () => {
    const h = upscaleHarness();
    h.setSegments(1);
    h.behaviours.push(...Array(3).fill({ status: 'lost' }));

    const result = await h.run();

    expect(result).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(h.jobs.all()[0]).toMatchObject({ status: 'failed', error: { state: 'UpscaleSegments' } });
  });

  it.each(['SplitVideo', 'AssembleVideo'] as const)('a failing %s (the user\'s function) is recorded by HandleError', async (state) => {
    const h = upscaleHarness();
    h.replace(state, async () => {
      throw Object.assign(new Error('ffmpeg: invalid data'), { name: 'VideoError' });
    });

    const result = await h.run();

    expect(result).toMatchObject({ status: 'FAILED', error: 'VideoError', cause: 'ffmpeg: invalid data' });
    expect(h.jobs.all()[0]).toMatchObject({ jobId: 'upscale-exec-1', status: 'failed', error: { state } });
  });
});
