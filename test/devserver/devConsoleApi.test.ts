import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackRoutes } from '../../simulation/devserver/callbackRoutes.js';
import { dispatchRoutes } from '../../simulation/devserver/dispatchRoutes.js';
import { jobRoutes } from '../../simulation/devserver/jobRoutes.js';
import { quotaRoutes } from '../../simulation/devserver/quotaRoutes.js';
import { startDevServer, type RunningDevServer } from '../../simulation/devserver/startDevServer.js';

// The calls the dev console makes (README "The dev console"), over real HTTP, without a browser.

let server: RunningDevServer;

beforeAll(async () => {
  server = await startDevServer({
    port: 0,
    write: () => undefined,
    tickSeconds: 0,
    groups: [
      (ctx) => callbackRoutes(ctx, { redriveAfterSeconds: 0 }),
      (ctx) => jobRoutes(ctx),
      (ctx) => dispatchRoutes(ctx),
      (ctx) => quotaRoutes(ctx, { dailyQuota: 2 }),
    ],
  });
});

afterAll(() => server.close());

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

interface HistoryEntry {
  kind: string;
  status: string;
  note: string;
}

interface State {
  callbacks: {
    step_functions: { available: boolean; outage_until: string | null };
    redrive: { last_run: { by: string; result: { resumed: number } } | null };
    executions: { execution: string; state: string; callback_status: string; history: HistoryEntry[] }[];
  };
  jobs: {
    jobs: { job_id: string; status: string; version: number; history: HistoryEntry[] }[];
    queues: { jobs: { waiting: number }; status: { delivered: number; recent: { jobId: string; applied: boolean; statusAfter: string }[] } };
  };
  dispatch: { dispatches: { job_id: string; status: string; task_arn: string | null; history: HistoryEntry[] }[]; run_task_calls: number };
  quota: { date: string; count: number; limit: number; job_ids: string[] };
}

const state = async () => (await (await fetch(`${server.url}/dev/state`)).json()) as State;

describe('dev console: the page and its files', () => {
  it('serves the page at / to a browser and the route list to everyone else', async () => {
    const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    const api = await fetch(`${server.url}/`);

    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<h1>Baton dev console</h1>');
    expect(await api.json()).toMatchObject({ routes: expect.arrayContaining(['POST /dev/outage', 'DELETE /dev/outage']) });
  });

  it('serves its modules and styles, and nothing outside its folder', async () => {
    const module = await fetch(`${server.url}/console/console.js`);
    const style = await fetch(`${server.url}/console/console.css`);

    expect(module.headers.get('content-type')).toContain('text/javascript');
    expect(await module.text()).toContain("from './api.js'");
    expect(style.headers.get('content-type')).toContain('text/css');
    for (const path of ['/console/nope.js', '/console/..%2FstartDevServer.ts', '/console/%2e%2e/DevContext.ts', '/console/']) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
  });
});

describe('dev console: what /dev/state shows', () => {
  it("tells a callback mapping's story through an outage: PENDING, ACCEPTED, the redrive's lease, COMPLETED, a duplicate refused", async () => {
    const started = (await (await call('POST', '/dev/runpod-jobs', { runpod: null })).json()) as { execution: string; webhook_url: string; job_id: string };
    const webhook = new URL(started.webhook_url).pathname;
    const report = { id: started.job_id, status: 'COMPLETED', output: { message: 'done' } };

    expect((await call('POST', '/dev/outage', { seconds: 600 })).status).toBe(200);
    expect((await state()).callbacks.step_functions.available).toBe(false);
    expect((await call('POST', webhook, report)).status).toBe(202);
    expect((await call('DELETE', '/dev/outage')).status).toBe(200);
    expect(await (await call('POST', '/dev/redrive')).json()).toMatchObject({ resumed: 1 });
    expect((await call('POST', webhook, report)).status).toBe(200);

    const after = await state();
    const execution = after.callbacks.executions.find((e) => e.execution === started.execution)!;
    expect(after.callbacks.step_functions).toEqual({ available: true, outage_until: null });
    expect(after.callbacks.redrive.last_run).toMatchObject({ by: 'request', result: { resumed: 1 } });
    expect(execution).toMatchObject({ state: 'succeeded', callback_status: 'COMPLETED' });
    expect(execution.history.map((h) => [h.kind, h.status])).toEqual([
      ['status', 'PENDING'],
      ['note', 'PENDING'],
      ['status', 'ACCEPTED'],
      ['lease', 'ACCEPTED'],
      ['status', 'COMPLETED'],
      ['refused', 'COMPLETED'],
    ]);
    expect(execution.history[4]!.note).toContain('by the redrive');
  });

  it("shows a job's transitions, its queue message taken by the processor, and refused reports", async () => {
    const { jobId } = (await (await call('POST', '/jobs', { jobInfo: { projectId: 'p' }, output: { filename: 'v.mp4' } })).json()) as { jobId: string };
    expect((await state()).jobs.queues.jobs.waiting).toBe(1);

    await call('POST', `/dev/jobs/${jobId}/status`, { status: 'processing' });
    await call('POST', `/dev/jobs/${jobId}/status`, { status: 'completed', output: { s3Uri: 's3://dev-output/v.mp4' } });
    await call('POST', `/dev/jobs/${jobId}/status`, { status: 'processing' });

    const { jobs } = await state();
    const job = jobs.jobs.find((j) => j.job_id === jobId)!;
    expect(job).toMatchObject({ status: 'completed', version: 3 });
    expect(job.history.map((h) => h.status)).toEqual(['submitted', 'processing', 'completed']);
    expect(jobs.queues.jobs.waiting).toBe(0);
    expect(jobs.queues.status.recent.filter((r) => r.jobId === jobId).map((r) => r.applied)).toEqual([false, true, true]);
  });

  it('shows each ECS dispatch with its launch story, once however often it is delivered', async () => {
    const first = await call('POST', '/dispatch/jobs', { url: 'https://example.com/live.m3u8', job_id: 'rec-1' });
    const again = await call('POST', '/dispatch/jobs', { url: 'https://example.com/live.m3u8', job_id: 'rec-1' });

    expect(first.status).toBe(202);
    expect(again.status).toBeLessThan(300);
    const { dispatch } = await state();
    const d = dispatch.dispatches.find((x) => x.job_id === 'rec-1')!;
    expect(d.status).toBe('processing');
    expect(d.task_arn).toMatch(/^arn:aws:ecs:/);
    expect(d.history.map((h) => h.kind)).toEqual(['status', 'status', 'refused']);
    expect(dispatch.run_task_calls).toBe(1);
  });

  it('runs the daily quota through the real task handlers', async () => {
    const reserve = async (job: string) => (await (await call('POST', '/dev/quota/reserve', { job_id: job })).json()) as { reserved: boolean };

    expect(await reserve('a')).toMatchObject({ reserved: true });
    expect(await reserve('a')).toMatchObject({ reserved: true });
    expect(await reserve('b')).toMatchObject({ reserved: true });
    expect(await reserve('c')).toMatchObject({ reserved: false });
    expect((await state()).quota).toMatchObject({ count: 2, limit: 2, job_ids: ['a', 'b'] });
    expect(await (await call('POST', '/dev/quota/check')).json()).toMatchObject({ quota_reached: true, daily_count: 2 });
    expect((await call('POST', '/dev/quota/reserve', {})).status).toBe(400);
    expect((await call('POST', '/dev/quota/reserve', '{')).status).toBe(400);
    expect((await call('POST', '/dev/quota/grant', { job_id: 'a' })).status).toBe(404);
  });
});

describe('dev console: the live stream', () => {
  it('sends the state on connect and again when a request changes it', async () => {
    const abort = new AbortController();
    const response = await fetch(`${server.url}/dev/events`, { signal: abort.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    const nextState = async (): Promise<State> => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(event)?.[1];
          if (data) return JSON.parse(data) as State;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += value;
      }
    };

    const first = await nextState();
    await call('POST', '/dev/quota/release', { job_id: 'a', date: first.quota.date });
    const second = await nextState();
    abort.abort();

    expect(second.quota.count).toBe(first.quota.count - 1);
  });
});
