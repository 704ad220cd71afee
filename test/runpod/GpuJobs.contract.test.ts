import { err } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuJobRequest, GpuJobs, GpuJobStatus } from '../../application/ports/GpuJobs.js';
import { InMemoryGpuJobs } from '../../adapters/memory/InMemoryGpuJobs.js';
import { RunPodClient } from '../../adapters/runpod/RunPodClient.js';
import { withDeadline } from '../../adapters/shared/deadline.js';
import { closedPort, startFakeRunPod, type FakeRunPod } from '../support/fakeRunPod.js';

interface Harness {
  readonly jobs: GpuJobs;
  readonly received: () => unknown[];
  readonly rejectNext: (status: number, detail: string) => void;
  /** Plays RunPod moving a job on. */
  readonly setStatus: (jobId: string, status: Omit<GpuJobStatus, 'id'>) => void;
  /** Plays RunPod forgetting a job (its result expired). */
  readonly forget: (jobId: string) => void;
}

const request: GpuJobRequest = {
  input: { input_presigned_url: 'https://in', output_presigned_url: 'https://out', params: { model: '7b', resolution: 1080 } },
  webhook: 'https://api.example.com/webhook/abc',
  policy: { executionTimeout: 600_000, ttl: 3_600_000 },
};

const noWait = { sleep: async () => {}, random: () => 0.5 };

let runpod: FakeRunPod;
beforeAll(async () => {
  runpod = await startFakeRunPod();
});
afterAll(() => runpod.close());

const harnesses: [string, () => Harness][] = [
  [
    'InMemoryGpuJobs',
    () => {
      const jobs = new InMemoryGpuJobs();
      return {
        jobs,
        received: () => jobs.jobs.map((j) => j.request),
        rejectNext: (s, d) => jobs.rejectNextWith(s, d),
        setStatus: (id, status) => jobs.setStatus(id, status),
        forget: (id) => jobs.forget(id),
      };
    },
  ],
  [
    'RunPodClient (local HTTP server)',
    () => {
      const start = runpod.received.length;
      return {
        jobs: new RunPodClient({ endpointUrl: runpod.url, apiKey: async () => 'rp-key', clock: noWait }),
        received: () => runpod.received.slice(start).map((r) => r.body),
        rejectNext: (status, detail) => runpod.queue({ status, body: detail }),
        setStatus: (id, status) => runpod.setStatus(id, status as Record<string, unknown>),
        forget: (id) => runpod.forget(id),
      };
    },
  ],
];

describe.each(harnesses)('GpuJobs contract: %s', (_name, make) => {
  it('submits the request as given and returns the job id', async () => {
    const h = make();

    const submitted = (await h.jobs.submit(request))._unsafeUnwrap();

    expect(submitted.id).toMatch(/\S+/);
    expect(h.received()).toEqual([request]);
  });

  it('returns a refusal as GpuJobRejected with its status and detail', async () => {
    const h = make();
    h.rejectNext(401, 'Unauthorized');

    expect(await h.jobs.submit(request)).toEqual(err({ type: 'GpuJobRejected', status: 401, detail: 'Unauthorized' }));
  });

  it('tells a new job is IN_QUEUE, then whatever RunPod moved it to, with the webhook fields', async () => {
    const h = make();
    const { id } = (await h.jobs.submit(request))._unsafeUnwrap();

    const queued = (await h.jobs.status(id))._unsafeUnwrap();
    h.setStatus(id, { status: 'COMPLETED', output: { url: 's3://out' }, delayTime: 120, executionTime: 9_000 });
    const done = (await h.jobs.status(id))._unsafeUnwrap();

    expect(queued).toEqual({ id, status: 'IN_QUEUE' });
    expect(done).toEqual({ id, status: 'COMPLETED', output: { url: 's3://out' }, delayTime: 120, executionTime: 9_000 });
  });

  it('answers GpuJobUnknown for a job it does not know or has forgotten', async () => {
    const h = make();
    const { id } = (await h.jobs.submit(request))._unsafeUnwrap();
    h.forget(id);

    expect(await h.jobs.status(id)).toEqual(err({ type: 'GpuJobUnknown', jobId: id }));
    expect(await h.jobs.cancel(id)).toEqual(err({ type: 'GpuJobUnknown', jobId: id }));
    expect(await h.jobs.status('never-submitted')).toEqual(err({ type: 'GpuJobUnknown', jobId: 'never-submitted' }));
  });

  it('cancels an unfinished job, and cancelling again or after it ended changes nothing', async () => {
    const h = make();
    const [a, b] = [(await h.jobs.submit(request))._unsafeUnwrap().id, (await h.jobs.submit(request))._unsafeUnwrap().id];
    h.setStatus(b, { status: 'COMPLETED', output: {} });

    expect((await h.jobs.cancel(a)).isOk()).toBe(true);
    expect((await h.jobs.cancel(a)).isOk()).toBe(true);
    expect((await h.jobs.cancel(b)).isOk()).toBe(true);

    expect((await h.jobs.status(a))._unsafeUnwrap().status).toBe('CANCELLED');
    expect((await h.jobs.status(b))._unsafeUnwrap().status).toBe('COMPLETED');
  });

  it('returns a refused status read as GpuJobRejected', async () => {
    const h = make();
    h.rejectNext(401, 'Unauthorized');

    expect(await h.jobs.status('job-x')).toEqual(err({ type: 'GpuJobRejected', status: 401, detail: 'Unauthorized' }));
  });
});

describe('RunPodClient', () => {
  const client = (extra: Partial<ConstructorParameters<typeof RunPodClient>[0]> = {}) =>
    new RunPodClient({ endpointUrl: runpod.url, apiKey: async () => 'rp-secret-key', clock: noWait, ...extra });

  it('authenticates with the API key as a bearer token', async () => {
    const start = runpod.received.length;

    (await client().submit(request))._unsafeUnwrap();

    expect(runpod.received[start]!.authorization).toBe('Bearer rp-secret-key');
  });

  it('retries a 429 (turned away before processing), then succeeds', async () => {
    const start = runpod.received.length;
    runpod.queue({ status: 429, body: 'slow down' }, { status: 429, body: 'slow down' });

    const submitted = await client().submit(request);

    expect(submitted.isOk()).toBe(true);
    expect(runpod.received.length - start).toBe(3);
  });

  it('never repeats a request that may have arrived: a 5xx is GpuJobOutcomeUnknown after one attempt', async () => {
    const start = runpod.received.length;
    runpod.queue({ status: 502, body: 'bad gateway' });

    expect(await client().submit(request)).toEqual(err({ type: 'GpuJobOutcomeUnknown', detail: 'HTTP 502: bad gateway' }));
    expect(runpod.received.length - start).toBe(1);
  });

  it('never repeats a request that timed out: GpuJobOutcomeUnknown after one attempt', async () => {
    const start = runpod.received.length;
    runpod.queue('hang');

    const submitted = await client({ timeoutMs: 200 }).submit(request);

    expect(submitted.isErr() && submitted.error.type).toBe('GpuJobOutcomeUnknown');
    expect(runpod.received.length - start).toBe(1);
  });

  it('waits with exponential backoff and full jitter between attempts that surely did not arrive', async () => {
    const waits: number[] = [];
    runpod.queue({ status: 429 }, { status: 429 });

    (await client({
      clock: { sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    }).submit(request))._unsafeUnwrap();

    expect(waits).toEqual([50, 100]);
  });

  it('retries a refused connection, then reports GpuJobNotSubmitted', async () => {
    const closed = await closedPort();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };

    const submitted = await client({ endpointUrl: `http://127.0.0.1:${closed}/run`, fetch: counting }).submit(request);

    expect(submitted.isErr() && submitted.error.type).toBe('GpuJobNotSubmitted');
    expect(calls).toBe(3);
  });

  it('reports an unreadable API key as GpuJobNotSubmitted without calling RunPod', async () => {
    const start = runpod.received.length;

    const submitted = await client({ apiKey: async () => Promise.reject(new Error('AccessDenied')) }).submit(request);

    expect(submitted.isErr() && submitted.error.type).toBe('GpuJobNotSubmitted');
    expect(runpod.received.length - start).toBe(0);
  });

  it('cuts a hung request at the invocation deadline, whatever its own timeout', async () => {
    runpod.queue('hang');
    const started = Date.now();

    const submitted = await withDeadline({ softAt: started + 300, hardAt: started + 600 }, () => client({ timeoutMs: 60_000 }).submit(request));

    expect(submitted).toEqual(err({ type: 'GpuJobOutcomeUnknown', detail: 'no answer from RunPod: the invocation deadline passed' }));
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('does not sleep a backoff the deadline leaves no room for', async () => {
    const closed = await closedPort();
    const waits: number[] = [];
    const now = Date.now();

    const submitted = await withDeadline({ softAt: now + 500, hardAt: now + 1_000 }, () =>
      client({ endpointUrl: `http://127.0.0.1:${closed}/run`, clock: { sleep: async (ms) => void waits.push(ms), random: () => 0.5 } }).submit(request),
    );

    expect(submitted.isErr() && submitted.error.type).toBe('GpuJobNotSubmitted');
    expect(waits).toEqual([]);
  });

  it('reads /status/{id} and posts /cancel/{id} beside the /run URL, with the key', async () => {
    const start = runpod.requests.length;
    const { id } = (await client().submit(request))._unsafeUnwrap();

    (await client().status(id))._unsafeUnwrap();
    (await client().cancel(id))._unsafeUnwrap();

    expect(runpod.requests.slice(start)).toEqual([
      'POST /v2/endpoint-1/run',
      `GET /v2/endpoint-1/status/${id}`,
      `POST /v2/endpoint-1/cancel/${id}`,
    ]);
  });

  it('retries a status read that RunPod answers 503, and one that hangs', async () => {
    runpod.queue({ status: 503, body: 'busy' }, 'hang');

    const answer = await client({ timeoutMs: 200 }).status('job-unknown-here');

    expect(answer).toEqual(err({ type: 'GpuJobUnknown', jobId: 'job-unknown-here' }));
  });

  it('does not retry a 400', async () => {
    const start = runpod.received.length;
    runpod.queue({ status: 400, body: '{"error":"bad input"}' });

    expect(await client().submit(request)).toEqual(
      err({ type: 'GpuJobRejected', status: 400, detail: '{"error":"bad input"}' }),
    );
    expect(runpod.received.length - start).toBe(1);
  });
});
