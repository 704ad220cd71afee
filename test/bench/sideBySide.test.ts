import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, inject, describe, expect, it, vi } from 'vitest';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { packageOf } from '../../bench/cpuProfile.js';
import { DEFAULT_OPTIONS, webhookSideBySide } from '../../bench/sideBySide.js';
import { newCallbackMapping, type CallbackChannel } from '../../domain/callbacks/CallbackMapping.js';
import { lambdaBuildOptions } from '../../scripts/bundle.js';
import { webhookEvent } from '../support/apiGatewayEvents.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../support/fakeStepFunctions.js';
import { lambdaContext } from '../support/loadBundle.js';
import { useLocalAws } from '../support/localAwsEnv.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';

describe('webhook side-by-side benchmark (npm run bench -- webhook)', () => {
  it('groups profile entries by the package their bundled module came from', () => {
    expect(packageOf('node_modules/@smithy/core/dist-es/submodules/protocols/x.js')).toBe('@smithy/core');
    expect(packageOf('node_modules/neverthrow/dist/index.es.js')).toBe('neverthrow');
    expect(packageOf('adapters/logging/redact.ts')).toBe('baton adapters/');
    expect(packageOf('bench/safePlainWebhook.ts')).toBe('the design file (bench/)');
  });

  it('runs at tiny scale: every design answers in both modes, Baton and the safe design resume each raced callback exactly once', { timeout: 180_000 }, async () => {
    const lines: string[] = [];
    const report = await webhookSideBySide({
      ...DEFAULT_OPTIONS,
      rounds: 1,
      deliveries: 6,
      concurrency: 3,
      warmup: 1,
      racedCallbacks: 2,
      racers: 4,
      coldRuns: 1,
      profileDeliveries: 6,
      top: 3,
      dynamoDbEndpoint: inject('dynamoDbEndpoint'),
      print: (line) => lines.push(line),
    });

    // One round of 6 first deliveries and 6 duplicates, with 3 processes per design, then with 1.
    expect(report.statuses).toEqual({ baton: { '200': 24 }, safe: { '200': 24 }, seed: { '200': 24 } });
    expect(report.modes.map((m) => m.processes)).toEqual([3, 1]);
    expect(report.resumesPerRacedCallback.baton).toEqual([1, 1]);
    expect(report.resumesPerRacedCallback.safe).toEqual([1, 1]);
    expect(report.notExactlyOnce).toEqual([]);
    expect(report.resumesPerRacedCallback.seed.every((n) => n >= 1)).toBe(true);
    for (const mode of report.modes) {
      for (const pair of Object.values(mode.ratios)) for (const r of Object.values(pair)) expect(r).toBeGreaterThan(0);
    }
    // The plain safe design carries no Baton code or library: its bundle is the seed's size, not Baton's.
    expect(report.bundleBytes.safe / report.bundleBytes.seed).toBeLessThan(1.1);
    expect(report.bundleBytes.baton).toBeGreaterThan(report.bundleBytes.safe);
    const text = lines.join('\n');
    expect(text).toContain('| Node CPU per first delivery, 3 processes per design |');
    expect(text).toContain('| Node CPU per first delivery, 1 process per design |');
    expect(text).toContain('| safe ÷ seed (floor) | Baton ÷ safe (layers) |');
    expect(text).toContain('### Profile: self time per first delivery by package');
  });
});

/**
 * The floor is only a floor if the plain safe design does what Baton does: every path of the
 * webhook, on Baton's bundle and on the plain one's, against the same DynamoDB Local table and
 * the same Step Functions stand-in, must end with the same answer, the same stored status and
 * the same number of resumes.
 */
describe('the safe design written plainly (bench/safePlainWebhook.ts) answers as Baton does', () => {
  type Answer = { statusCode: number; body: string };
  type Handler = (event: unknown, context: unknown) => Promise<Answer>;
  const designs: Record<'baton' | 'safe' | 'safeReadFirst', Handler> = {} as Record<'baton' | 'safe' | 'safeReadFirst', Handler>;
  let sfn: FakeStepFunctions;
  let mappings: DynamoDbCallbackMappings;
  /** The plain design's log lines (`console.log`); Baton's Powertools records go to the suite's capture. */
  const plainLogs: string[] = [];

  beforeAll(async () => {
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void plainLogs.push(String(line)));
    sfn = await startFakeStepFunctions();
    const client = localDynamoDbClient();
    const table = await createLocalTable(client, callbacksTable);
    mappings = new DynamoDbCallbackMappings(client, table);
    useLocalAws({ SFN: sfn.endpoint }, { CALLBACK_TABLE_NAME: table, LOG_LEVEL: 'INFO' });
    const out = join(import.meta.dirname, '../../dist/bench-test/parity');
    for (const [design, entry] of [
      ['baton', 'entrypoints/lambda/runpod-webhook.ts'],
      ['safe', 'bench/safePlainWebhook.ts'],
    ] as const) {
      const file = join(out, design, 'index.mjs');
      await build({ ...lambdaBuildOptions(join(import.meta.dirname, '../..', entry), file), sourcemap: false });
      const module = (await import(/* @vite-ignore */ `${pathToFileURL(file).href}?parity=${Date.now()}`)) as { handler: Handler };
      designs[design] = module.handler;
    }
    // The same plain bundle again, evaluated with SAFE_READ_FIRST: it reads before it claims.
    process.env['SAFE_READ_FIRST'] = 'true';
    try {
      const file = pathToFileURL(join(out, 'safe', 'index.mjs')).href;
      designs.safeReadFirst = ((await import(/* @vite-ignore */ `${file}?parity=read-first-${Date.now()}`)) as { handler: Handler }).handler;
    } finally {
      delete process.env['SAFE_READ_FIRST'];
    }
  }, 60_000);

  afterAll(async () => {
    vi.mocked(console.log).mockRestore();
    await sfn.close();
  });

  const completed = { id: 'rp-job-1', status: 'COMPLETED', output: { video_url: 's3://b/k.mp4' }, executionTime: 4100 };
  const failed = { id: 'rp-job-2', status: 'FAILED', error: 'CUDA out of memory' };

  /** A PENDING RunPod callback whose task waits, stored as Baton stores it. */
  async function pending(channel: CallbackChannel = 'runpod') {
    const taskToken = sfn.engine.startTask();
    const callbackToken = randomBytes(32).toString('hex');
    const created = await mappings.create(newCallbackMapping({ callbackToken, taskToken, channel, jobId: 'rp-job', execId: 'exec-1', now: new Date() }));
    expect(created.isOk()).toBe(true);
    return { callbackToken, taskToken };
  }

  /** What a path ends with: each delivery's status code, the stored status, the task's resumes and state. */
  async function run(handler: Handler, path: { setup?: (taskToken: string) => void; channel?: CallbackChannel; deliveries: readonly unknown[]; token?: string }) {
    const { callbackToken, taskToken } = await pending(path.channel);
    path.setup?.(taskToken);
    const codes: number[] = [];
    try {
      for (const body of path.deliveries) codes.push((await handler(webhookEvent(path.token ?? callbackToken, body), lambdaContext)).statusCode);
    } finally {
      sfn.setDown(false);
      sfn.engine.refuseWith(undefined);
    }
    const task = sfn.engine.task(taskToken)!;
    return { codes, stored: (await mappings.find(callbackToken))?.status, resumes: task.resumeCalls, task: task.state };
  }

  const paths: Record<string, Parameters<typeof run>[1]> = {
    'a first delivery, then its duplicate': { deliveries: [completed, completed] },
    'a failed job, then its duplicate': { deliveries: [failed, failed] },
    'a task already resumed elsewhere (token gone), then a duplicate': { setup: (t) => void sfn.engine.succeed(t, '{}'), deliveries: [completed, completed] },
    'Step Functions down (outcome kept), then a duplicate': { setup: () => sfn.setDown(true), deliveries: [completed, completed] },
    'the answer to SendTaskSuccess lost (the retry finds the token closed)': { setup: () => sfn.loseAnswers(1, 'reset'), deliveries: [completed] },
    'Step Functions refuses the resume for good (AccessDenied)': { setup: () => sfn.engine.refuseWith('AccessDeniedException: not allowed'), deliveries: [completed, completed] },
    "a worker's callback reported through the webhook": { channel: 'worker', deliveries: [completed] },
    'an unknown callback token': { token: 'f'.repeat(64), deliveries: [completed] },
    'a malformed callback token': { token: 'not-a-token', deliveries: [completed] },
    'a status RunPod never sends, a body that is not JSON, then a good report': { deliveries: [{ id: 'rp-job-3', status: 'RUNNING' }, 'not json', completed] },
  };

  for (const [name, path] of Object.entries(paths)) {
    it(name, async () => {
      const baton = await run(designs.baton, path);
      const safe = await run(designs.safe, path);
      expect(safe).toEqual(baton);
      const readFirst = await run(designs.safeReadFirst, path);
      expect(readFirst).toEqual(baton);
    });
  }

  it('the plain design logs two INFO records per delivery, the callback token as Baton logs it (a fingerprint)', async () => {
    plainLogs.length = 0;
    const { callbackToken } = await pending();
    expect((await designs.safe(webhookEvent(callbackToken, completed), lambdaContext)).statusCode).toBe(200);
    expect((await designs.safe(webhookEvent(callbackToken, completed), lambdaContext)).statusCode).toBe(200);
    const records = plainLogs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => `${String(r['level'])} ${String(r['message'])}`)).toEqual([
      'INFO Processing RunPod job',
      'INFO Sent TaskSuccess for job',
      'INFO Processing RunPod job',
      'INFO Callback already completed, returning success',
    ]);
    expect(plainLogs.join('\n')).not.toContain(callbackToken);
    expect(records[0]!['callback_token']).toMatch(/^fp:[0-9a-f]{12}$/);
  });

  it('the paths above are not all alike: they end in 200, 202, 400, 404 and 410', async () => {
    const baton = await run(designs.baton, paths['a task already resumed elsewhere (token gone), then a duplicate']!);
    expect(baton).toEqual({ codes: [410, 410], stored: 'EXPIRED', resumes: 2, task: 'succeeded' });
    const down = await run(designs.safe, paths['Step Functions down (outcome kept), then a duplicate']!);
    expect(down).toEqual({ codes: [202, 202], stored: 'ACCEPTED', resumes: 0, task: 'waiting' });
    const lost = await run(designs.safe, paths['the answer to SendTaskSuccess lost (the retry finds the token closed)']!);
    expect(lost).toEqual({ codes: [200], stored: 'COMPLETED', resumes: 2, task: 'succeeded' });
    expect((await run(designs.safe, paths['an unknown callback token']!)).codes).toEqual([404]);
    expect((await run(designs.safe, paths['a status RunPod never sends, a body that is not JSON, then a good report']!)).codes).toEqual([400, 400, 200]);
  });
});
