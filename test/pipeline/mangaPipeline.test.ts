import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ARN_PARAMETERS, PIPELINE_FILE, pipelineDefinition, pipelineHarness } from './pipelineHarness.js';

const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText(separator?: string): string;
};

const TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

type State = Record<string, any>;
const states = (): [string, State][] => Object.entries(pipelineDefinition().States as Record<string, State>);
const tasks = () => states().filter(([name, s]) => s.Type === 'Task' && name !== 'HandleError');

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

  it('runs the seed order: CheckQuota, Fetch, ScriptGen, TTSGen, StartRenderer, StartUploader, Cleanup, IncrementCounter', () => {
    const order: string[] = [];
    const all = Object.fromEntries(states());
    for (let name: string | undefined = 'CheckQuota'; name; ) {
      order.push(name);
      const s: State = all[name]!;
      // At a Choice, follow the branch that carries on (the other one ends the execution early).
      const targets: string[] = s.Type === 'Choice' ? [...s.Choices.map((c: State) => c.Next), s.Default] : [s.Next];
      name = targets.find((t) => t && all[t]!.Type !== 'Succeed');
    }
    expect(order.filter((n) => all[n]!.Type === 'Task')).toEqual([
      'CheckQuota', 'FetchManga', 'GenerateScript', 'GenerateTTS', 'StartRenderer', 'StartUploader', 'Cleanup', 'IncrementCounter',
    ]);
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

describe('the pipeline, executed locally on our handlers and in-memory adapters', () => {
  it('stops at once when today\'s quota is reached', async () => {
    const h = pipelineHarness();
    for (let i = 0; i < 10; i += 1) await h.counters.countJob('2026-02-07', `job-${i}`, h.clock.now());

    const result = await h.run({});

    expect(result.status).toBe('SUCCEEDED');
    expect(h.states()).toEqual(['CheckQuota']);
    expect(h.spot.instances).toEqual([]);
  });

  it('happy path: both Spot workers resume their tasks through the callbacks table, then cleanup and count', async () => {
    const h = pipelineHarness();
    h.artifacts.put('runs/job-abc123/panels/001.png', 1000).put('runs/job-abc123/audio.mp3', 500).put('runs/job-other/keep.png', 7);

    const result = await h.run({});

    expect(result.status).toBe('SUCCEEDED');
    expect(h.states()).toEqual([
      'CheckQuota', 'FetchManga', 'GenerateScript', 'GenerateTTS', 'StartRenderer', 'StartUploader', 'Cleanup', 'IncrementCounter',
    ]);
    const output = (result as { output: any }).output;
    expect(output.render).toEqual({ job_id: 'job-abc123', status: 'completed', video_key: 'runs/job-abc123/video.mp4' });
    expect(output.upload).toEqual({ job_id: 'job-abc123', status: 'completed', youtube_url: 'https://youtu.be/abc123' });
    expect(output.cleanup.result).toEqual({ job_id: 'job-abc123', objects_deleted: 2, bytes_freed: 1500 });
    expect(output.counter.result).toEqual({ daily_count: 1, date: '2026-02-07', job_id: 'job-abc123' });
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
    expect(h.states()).toEqual(['CheckQuota', 'FetchManga', 'GenerateScript', 'GenerateTTS', 'StartRenderer', 'HandleError']);
    expect(h.calls.at(-1)!.input).toEqual({
      job_id: 'job-abc123',
      error: { Error: 'RenderError', Cause: 'ffmpeg exited with code 1' },
      state: 'StartRenderer',
      execution_id: 'arn:aws:states:us-east-1:123456789012:execution:manga-pipeline:exec-local-1',
    });
    expect(h.jobs.all()).toMatchObject([
      { jobId: 'job-abc123', status: 'failed', error: { state: 'StartRenderer', message: 'ffmpeg exited with code 1' } },
    ]);
    expect(h.counters.tally('2026-02-07').count).toBe(0);
  });

  it('an uploader YouTubeQuotaError is reported under that name', async () => {
    class YouTubeQuotaError extends Error {}
    const h = pipelineHarness();
    h.workers.uploader = async () => {
      throw new YouTubeQuotaError('quotaExceeded');
    };

    const result = await h.run({});

    expect(result).toMatchObject({ status: 'FAILED', error: 'YouTubeQuotaError' });
    expect(h.jobs.all()[0]).toMatchObject({ status: 'failed', error: { state: 'StartUploader' } });
  });

  it('a renderer that never reports (Spot instance lost) fails on HeartbeatSeconds, is relaunched once, then handled', async () => {
    const h = pipelineHarness();
    h.lost.add('renderer');

    const result = await h.run({});

    expect(result).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(h.states()).toEqual([
      'CheckQuota', 'FetchManga', 'GenerateScript', 'GenerateTTS', 'StartRenderer', 'StartRenderer', 'HandleError',
    ]);
    expect(h.spot.instances).toHaveLength(2);
    expect(h.jobs.all()[0]).toMatchObject({ status: 'failed', error: { state: 'StartRenderer' } });
  });

  it('no manga available: ends without launching anything', async () => {
    const h = pipelineHarness();
    h.setFetched({ status: 'no_manga_available' });

    expect((await h.run({})).status).toBe('SUCCEEDED');
    expect(h.states()).toEqual(['CheckQuota', 'FetchManga']);
  });
});
