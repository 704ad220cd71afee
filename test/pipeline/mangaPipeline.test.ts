import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ARN_PARAMETERS, PIPELINE_FILE, pipelineDefinition, pipelineHarness } from './pipelineHarness.js';
import { worstCaseSeconds } from './worstCase.js';
import { InMemoryDailyCounters } from '../../adapters/memory/InMemoryDailyCounters.js';

const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText(separator?: string): string;
};

const TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

type State = Record<string, any>;
const states = (): [string, State][] => Object.entries(pipelineDefinition().States as Record<string, State>);
/** Tasks on the way to a video; HandleError and ReleaseQuotaAfterFailure are the error path itself. */
const tasks = () => states().filter(([name, s]) => s.Type === 'Task' && !['HandleError', 'ReleaseQuotaAfterFailure'].includes(name));

describe('pipelines/manga-pipeline.asl.json', () => {
  it('is valid Amazon States Language, as written and once substituted', () => {
    const raw = JSON.parse(readFileSync(PIPELINE_FILE, 'utf8'));
    for (const definition of [raw, pipelineDefinition()]) {
      const result = aslValidator(definition);
      expect(result.errorsText('\n')).toBe('');
      expect(result.isValid).toBe(true);
    }
  });

  it('takes every Lambda ARN as a definition substitution, and nothing else', () => {
    const names = [...readFileSync(PIPELINE_FILE, 'utf8').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(new Set(names)).toEqual(new Set(FUNCTION_ARN_PARAMETERS));
  });

  it('every .waitForTaskToken state has TimeoutSeconds and HeartbeatSeconds: a lost callback fails, never hangs', () => {
    const waiting = tasks().filter(([, s]) => String(s.Resource).endsWith('.waitForTaskToken'));
    expect(waiting.map(([n]) => n)).toEqual(['StartRenderer', 'StartUploader']);
    for (const [, s] of waiting) {
      expect(s.TimeoutSeconds).toBeGreaterThan(0);
      expect(s.HeartbeatSeconds).toBeGreaterThan(0);
      expect(s.HeartbeatSeconds).toBeLessThan(s.TimeoutSeconds);
      expect(s.Parameters.Payload['task_token.$']).toBe('$$.Task.Token');
    }
  });

  it('every task retries transient Lambda errors and sends any other failure to HandleError with its state name', () => {
    const all = Object.fromEntries(states());
    for (const [name, s] of tasks()) {
      expect(s.TimeoutSeconds, name).toBeGreaterThan(0);
      expect(s.Retry[0].ErrorEquals, name).toEqual(TRANSIENT);
      expect(s.Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: `${name}Failed` }]);
      const pass: State = all[`${name}Failed`]!;
      expect(pass).toMatchObject({ Type: 'Pass', Next: 'HandleError', Parameters: { state: name, 'error.$': '$.error', 'execution_id.$': '$$.Execution.Id' } });
    }
  });
});

describe('its limits, computed from the definition', () => {
  it('the execution TimeoutSeconds covers the longest path the definition allows, so a Catch always runs first', () => {
    const definition = pipelineDefinition();
    const worst = worstCaseSeconds(definition as never);

    expect(worst).toBe(200_313); // ~55.6 h: every retry of every state at its full timeout, TTS called 10 times
    expect(worst).toBeGreaterThan(14_400); // the seed's limit: shorter than a renderer relaunch plus the upload
    expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(worst);
    expect(definition.TimeoutSeconds).toBeLessThan(worst + 3600);
  });

  it('the GenerateTTS loop is bounded by its guard (the bound above would not exist otherwise)', () => {
    const definition = pipelineDefinition();
    const guard = definition.States.IsTTSComplete.Choices[0];
    expect(guard.Next).toBe('TTSIncomplete');
    expect(guard.And.at(-1)).toEqual({ Variable: '$.tts_next.round', NumericGreaterThanEquals: 10 });

    const unguarded = structuredClone(definition);
    unguarded.States.IsTTSComplete.Choices.shift();
    expect(() => worstCaseSeconds(unguarded as never)).toThrow(/unbounded loop through GenerateTTS/);
  });

  it('every path to a Fail state passes HandleError, and every failure with a reservation may release it', () => {
    const all = Object.fromEntries(states());
    const failedPasses = states().filter(([name]) => name.endsWith('Failed') && name !== 'PipelineFailed');
    for (const [name, pass] of failedPasses) {
      expect(pass.Next, name).toBe('HandleError');
      expect('quota.$' in pass.Parameters, name).toBe(name !== 'ReserveQuotaFailed');
    }
    expect(all['HandleError']!.Next).toBe('ShouldReleaseQuota');
    expect(all['HandleError']!.Catch[0].Next).toBe('ShouldReleaseQuota');
    expect(all['ShouldReleaseQuota']!.Default).toBe('ReleaseQuotaAfterFailure');
    expect(all['ReleaseQuotaAfterFailure']!.Catch[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'PipelineFailed' });
  });
});

describe('the pipeline, executed locally on our handlers and in-memory adapters', () => {
  it('stops at once when today\'s quota is reached', async () => {
    const h = pipelineHarness();
    for (let i = 0; i < 10; i += 1) await h.counters.countJob('2026-02-07', `job-${i}`, h.clock.now());

    const result = await h.run({});

    expect(result.status).toBe('SUCCEEDED');
    expect(h.states()).toEqual(['ReserveQuota']);
    expect(h.counters.tally('2026-02-07').count).toBe(10);
    expect(h.spot.instances).toEqual([]);
  });

  it('happy path: a reserved slot, both Spot workers resume their tasks through the callbacks table, then cleanup', async () => {
    const h = pipelineHarness();
    h.artifacts.put('runs/job-abc123/panels/001.png', 1000).put('runs/job-abc123/audio.mp3', 500).put('runs/job-other/keep.png', 7);

    const result = await h.run({});

    expect(result.status).toBe('SUCCEEDED');
    expect(h.states()).toEqual(['ReserveQuota', 'FetchManga', 'GenerateScript', 'GenerateTTS', 'StartRenderer', 'StartUploader', 'Cleanup']);
    const output = (result as { output: any }).output;
    expect(output.quota.result).toEqual({ reserved: true, daily_count: 1, daily_quota: 10, date: '2026-02-07', job_id: 'exec-local-1' });
    expect(output.render).toEqual({ job_id: 'job-abc123', status: 'completed', video_key: 'runs/job-abc123/video.mp4' });
    expect(output.upload).toEqual({ job_id: 'job-abc123', status: 'completed', youtube_url: 'https://youtu.be/abc123' });
    expect(output.cleanup.result).toEqual({ job_id: 'job-abc123', objects_deleted: 2, bytes_freed: 1500 });
    expect(h.counters.tally('2026-02-07')).toMatchObject({ count: 1 });
    expect(h.artifacts.keys()).toEqual(['runs/job-other/keep.png']);
    expect(h.spot.instances.map((i) => i.request.instanceType)).toEqual(['c5.2xlarge', 'c5.2xlarge']);
    expect(h.sfn.allTasks().map((t) => [t.state, t.resumeCalls])).toEqual([
      ['succeeded', 1],
      ['succeeded', 1],
    ]);
    expect(h.mappings.all().map((m) => m.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(h.jobs.all()).toEqual([]);
  });

  it('renderer failure: the worker\'s error reaches HandleError, the job is marked failed, the execution fails', async () => {
    const h = pipelineHarness();
    h.workers.renderer = async () => {
      throw new Error('ffmpeg exited with code 1');
    };

    const result = await h.run({});

    expect(result).toMatchObject({ status: 'FAILED', error: 'RenderError' });
    expect(h.states()).toEqual([
      'ReserveQuota', 'FetchManga', 'GenerateScript', 'GenerateTTS', 'StartRenderer', 'HandleError', 'ReleaseQuotaAfterFailure',
    ]);
    expect(h.calls.find((c) => c.state === 'HandleError')!.input).toEqual({
      job_id: 'job-abc123',
      error: { Error: 'RenderError', Cause: 'ffmpeg exited with code 1' },
      state: 'StartRenderer',
      execution_id: 'arn:aws:states:us-east-1:123456789012:execution:manga-pipeline:exec-local-1',
    });
    expect(h.jobs.all()).toMatchObject([
      { jobId: 'job-abc123', status: 'failed', error: { state: 'StartRenderer', message: 'ffmpeg exited with code 1' } },
    ]);
    expect(h.counters.tally('2026-02-07').count).toBe(0); // no video: the slot was given back
  });

  it('an uploader YouTubeQuotaError is reported under that name, and the slot given back', async () => {
    class YouTubeQuotaError extends Error {}
    const h = pipelineHarness();
    h.workers.uploader = async () => {
      throw new YouTubeQuotaError('quotaExceeded');
    };

    const result = await h.run({});

    expect(result).toMatchObject({ status: 'FAILED', error: 'YouTubeQuotaError' });
    expect(h.jobs.all()[0]).toMatchObject({ status: 'failed', error: { state: 'StartUploader' } });
    expect(h.counters.tally('2026-02-07').count).toBe(0);
  });

  it('an uploader that goes silent may have uploaded: the failure is handled and the slot kept (never overshoot)', async () => {
    const h = pipelineHarness();
    h.lost.add('uploader');

    const result = await h.run({});

    expect(result).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(h.states().slice(-2)).toEqual(['StartUploader', 'HandleError']);
    expect(h.counters.tally('2026-02-07').count).toBe(1);
  });

  it('a cleanup that keeps failing is handled after its retries; the video exists, so the slot is kept', async () => {
    const h = pipelineHarness();
    h.artifacts.put('runs/job-abc123/locked.png', 10).refuse('runs/job-abc123/locked.png');

    const result = await h.run({});

    expect(result).toMatchObject({ status: 'FAILED', error: 'CleanupIncomplete' });
    expect(h.states().filter((s) => s === 'Cleanup')).toHaveLength(4);
    expect(h.states().at(-1)).toBe('HandleError');
    expect(h.counters.tally('2026-02-07').count).toBe(1);
  });

  it('ttsgen is called again with its continuation_token until it returns null', async () => {
    const h = pipelineHarness();
    h.ttsContinuations.push('tts-page-2', 'tts-page-3');

    const result = await h.run({});

    expect(result.status).toBe('SUCCEEDED');
    expect(h.calls.filter((c) => c.state === 'GenerateTTS').map((c) => c.input)).toEqual([
      { job_id: 'job-abc123', continuation_token: null },
      { job_id: 'job-abc123', continuation_token: 'tts-page-2' },
      { job_id: 'job-abc123', continuation_token: 'tts-page-3' },
    ]);
    expect(h.states().at(-1)).toBe('Cleanup');
  });

  it('a ttsgen that never finishes is stopped after 10 calls: TTSIncomplete is handled, nothing is rendered', async () => {
    const h = pipelineHarness();
    h.ttsContinuations.push(...Array.from({ length: 50 }, (_, i) => `page-${i}`));

    const result = await h.run({});

    expect(result).toMatchObject({ status: 'FAILED', error: 'TTSIncomplete' });
    expect(h.states().filter((s) => s === 'GenerateTTS')).toHaveLength(10);
    expect(h.states().slice(-2)).toEqual(['HandleError', 'ReleaseQuotaAfterFailure']);
    expect(h.spot.instances).toEqual([]);
    expect(h.jobs.all()[0]).toMatchObject({ status: 'failed', error: { state: 'GenerateTTS' } });
    expect(h.counters.tally('2026-02-07').count).toBe(0);
  });

  it('a renderer that never reports (Spot instance lost) fails on HeartbeatSeconds, is relaunched once, then handled', async () => {
    const h = pipelineHarness();
    h.lost.add('renderer');

    const result = await h.run({});

    expect(result).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(h.states()).toEqual([
      'ReserveQuota', 'FetchManga', 'GenerateScript', 'GenerateTTS', 'StartRenderer', 'StartRenderer', 'HandleError', 'ReleaseQuotaAfterFailure',
    ]);
    expect(h.spot.instances).toHaveLength(2);
    expect(h.jobs.all()[0]).toMatchObject({ status: 'failed', error: { state: 'StartRenderer' } });
  });

  it('no manga available: gives the slot back and ends without launching anything', async () => {
    const h = pipelineHarness();
    h.setFetched({ status: 'no_manga_available' });

    expect((await h.run({})).status).toBe('SUCCEEDED');
    expect(h.states()).toEqual(['ReserveQuota', 'FetchManga', 'ReleaseUnusedQuota']);
    expect(h.counters.tally('2026-02-07').count).toBe(0);
    expect(h.spot.instances).toEqual([]);
  });

  it('twelve executions at once on a quota of 10: ten reserve a slot and make a video, two stop at once', async () => {
    const shared = new InMemoryDailyCounters();
    const runs = Array.from({ length: 12 }, () => pipelineHarness({ counters: shared }));

    const results = await Promise.all(runs.map((h, i) => h.run({}, `exec-${i}`)));

    expect(results.filter((r) => r.status === 'SUCCEEDED')).toHaveLength(12);
    expect(runs.filter((h) => h.states().includes('Cleanup'))).toHaveLength(10);
    expect(shared.tally('2026-02-07').count).toBe(10);
  });
});
