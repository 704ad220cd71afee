import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callbackRoutes } from '../../simulation/devserver/callbackRoutes.js';
import { dispatchRoutes } from '../../simulation/devserver/dispatchRoutes.js';
import { jobRoutes } from '../../simulation/devserver/jobRoutes.js';
import { PortInUse, startDevServer, type RunningDevServer } from '../../simulation/devserver/startDevServer.js';

let server: RunningDevServer;
const lines: string[] = [];

beforeAll(async () => {
  server = await startDevServer({
    port: 0,
    write: (line) => lines.push(line),
    tickSeconds: 0,
    groups: [(ctx) => callbackRoutes(ctx, { redriveAfterSeconds: 0 }), (ctx) => jobRoutes(ctx), (ctx) => dispatchRoutes(ctx)],
  });
});

afterAll(() => server.close());

const post = (path: string, body: unknown, raw = false) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
  });

interface Started {
  execution: string;
  webhook_url: string;
  job_id: string;
  callback_token: string;
}

async function startManualJob(): Promise<Started> {
  const response = await post('/dev/runpod-jobs', { runpod: null });
  expect(response.status).toBe(201);
  return (await response.json()) as Started;
}

const execution = async (name: string) =>
  (await (await fetch(`${server.url}/dev/executions/${name}`)).json()) as { state: string; resume_calls: number; output: unknown; callback_status: string };

const completed = (jobId: string) => ({ id: jobId, status: 'COMPLETED', output: { message: 'Video upscaled successfully' } });

describe('dev server: the callback flow over real HTTP', () => {
  it('resumes a waiting execution when the webhook arrives, once, whatever the repeats', async () => {
    const job = await startManualJob();
    expect(await execution(job.execution)).toMatchObject({ state: 'waiting', callback_status: 'PENDING' });

    const first = await fetch(job.webhook_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(completed(job.job_id)) });
    const again = await fetch(job.webhook_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(completed(job.job_id)) });

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    expect(await execution(job.execution)).toMatchObject({
      state: 'succeeded',
      resume_calls: 1,
      callback_status: 'COMPLETED',
      output: { job_id: job.job_id, status: 'COMPLETED', output: { message: 'Video upscaled successfully' } },
    });
  });

  it("lets the simulated RunPod post the webhook itself", async () => {
    const response = await post('/dev/runpod-jobs', { runpod: { after_seconds: 0.05, status: 'FAILED' } });
    const job = (await response.json()) as Started;

    await expect.poll(async () => (await execution(job.execution)).state, { timeout: 5000 }).toBe('failed');
  });

  it('keeps the outcome through a Step Functions outage and resumes it on redrive', async () => {
    const job = await startManualJob();
    // The server runs in this process: its outage timer is faked, and ended by moving time on.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      expect((await post('/dev/outage', { seconds: 30 })).status).toBe(200);

      const during = await post(new URL(job.webhook_url).pathname, completed(job.job_id));
      expect(during.status).toBe(202);
      expect((await execution(job.execution)).state).toBe('waiting');

      await vi.advanceTimersByTimeAsync(30_000);
    } finally {
      vi.useRealTimers();
    }
    const redrive = await post('/dev/redrive', {});

    expect(await redrive.json()).toMatchObject({ resumed: 1 });
    expect(await execution(job.execution)).toMatchObject({ state: 'succeeded', callback_status: 'COMPLETED', resume_calls: 1 });
  });

  it("answers the seed's curl example (its body lacks a closing brace) with a clear 400, never a 500", async () => {
    const seedBody = `{
    "id": "runpod-job-123",
    "status": "COMPLETED",
    "output": {
      "message": "Video upscaled successfully"
    }`;

    const response = await post('/webhook/test-123', seedBody, true);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'InvalidJson' } });
  });

  it('answers 404 for an unknown token and 400 for a malformed one', async () => {
    expect((await post(`/webhook/${'ab'.repeat(32)}`, completed('x'))).status).toBe(404);
    expect((await post('/webhook/test-123', completed('x'))).status).toBe(400);
  });

  it('answers unknown routes, wrong methods, CORS preflights and oversized bodies plainly', async () => {
    const unknown = await fetch(`${server.url}/nope`);
    const wrongMethod = await fetch(`${server.url}/dev/runpod-jobs`);
    const preflight = await fetch(`${server.url}/webhook/x`, { method: 'OPTIONS' });
    const huge = await post('/dev/runpod-jobs', 'x'.repeat(6 * 1024 * 1024 + 1), true);

    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NotFound', details: { routes: expect.arrayContaining(['POST /webhook/{callback_token}']) } } });
    expect(wrongMethod.status).toBe(405);
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(huge.status).toBe(413);
  });

  it('never prints a whole token in its log', () => {
    const all = lines.join('\n');

    expect(all).toContain('POST /webhook/fp:');
    expect(all).not.toMatch(/[0-9a-f]{64}/);
  });
});

describe('dev server: the job API over real HTTP', () => {
  const spec = { jobInfo: { projectId: 'example', title: 'Demo' }, output: { filename: 'video.mp4' } };

  it('submits, reports progress through update-job-status, and never moves a job backwards', async () => {
    const submitted = await post('/jobs', spec);
    expect(submitted.status).toBe(202);
    const { jobId } = (await submitted.json()) as { jobId: string };
    const status = async () => (await (await fetch(`${server.url}/jobs/${jobId}`)).json()) as { status: string; output: { url: string | null } };
    expect(await status()).toMatchObject({ status: 'submitted' });

    await post(`/dev/jobs/${jobId}/status`, { status: 'processing' });
    await post(`/dev/jobs/${jobId}/status`, { status: 'completed', output: { s3Uri: 's3://dev-output/videos/video.mp4', duration: 12 } });
    const stale = await post(`/dev/jobs/${jobId}/status`, { status: 'processing' });

    expect(await stale.json()).toMatchObject({ applied: false, status: 'completed' });
    const done = await status();
    expect(done.status).toBe('completed');
    expect(done.output.url).toContain('videos/video.mp4');
  });

  it('answers a bad spec with field-level details', async () => {
    const response = await post('/jobs', { jobInfo: {} });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'ValidationError', details: expect.any(Array) } });
  });

  it("serves seed 004's LocalStack curl as written (host replaced) through dispatch-to-ecs", async () => {
    const response = await post('/restapis/abc123/test/_user_request_/jobs', { url: 'https://example.com/stream' });

    expect(response.status).toBe(202);
    const tasks = (await (await fetch(`${server.url}/dev/ecs-tasks`)).json()) as { tasks: { environment: Record<string, string> }[] };
    expect(tasks.tasks.at(-1)?.environment).toMatchObject({ SOURCE_URL: 'https://example.com/stream' });
  });
});

describe('dev server: a port in use', () => {
  let blocker: Server;
  let port: number;

  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    port = (blocker.address() as { port: number }).port;
  });

  afterAll(() => new Promise<void>((r) => blocker.close(() => r())));

  it('fails with PortInUse naming the port', async () => {
    await expect(startDevServer({ port, groups: [] })).rejects.toEqual(new PortInUse('127.0.0.1', port));
  });

  it('makes `npm run dev` exit 1 with a one-line message', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-server.ts', '--port', String(port)], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));

    expect(code).toBe(1);
    expect(stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
  });
});
