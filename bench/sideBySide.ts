/**
 * Baton's `runpod-webhook` beside seed 001's design written plainly (bench/seed001Webhook.ts),
 * on the same DynamoDB Local and the same fake Step Functions (the real wire protocol), both
 * bundled from the same node_modules with the same esbuild options. As on Lambda, a process
 * handles one invocation at a time: each design has one worker process (bench/webhookWorker.ts)
 * per delivery in flight, so the CPU counted is its handlers' alone; rounds alternate which
 * design goes first, and the ratios are medians of per-round ratios.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { DynamoDbCallbackMappings } from '../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { callbacksTable } from '../adapters/dynamodb/tables/callbacksTable.js';
import { newCallbackMapping } from '../domain/callbacks/CallbackMapping.js';
import { lambdaBuildOptions } from '../scripts/bundle.js';
import { LOCAL_AWS, startDynamoDbLocal } from '../test/support/dynamoDbLocal.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../test/support/fakeStepFunctions.js';
import { byGroup, selfTimes, type SelfTime } from './cpuProfile.js';
import type { Delivery, RoundFigures, WorkerRequest } from './webhookWorker.js';

const ROOT = resolve(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules/.bin/node');
/** Its own directory under vitest, so the suite's tiny run never overwrites a benchmark running beside it. */
const OUT = join(ROOT, process.env['VITEST'] ? 'dist/bench-test' : 'dist/bench');

export interface SideBySideOptions {
  /** Measured rounds per design (after one warm-up round each). */
  readonly rounds: number;
  /** Deliveries per round: that many first deliveries, then a duplicate of each. */
  readonly deliveries: number;
  /** Deliveries in flight at once: worker processes per design, each handling one at a time. */
  readonly concurrency: number;
  /** First deliveries (and as many duplicates) per process before the measured rounds. */
  readonly warmup: number;
  /** The unsafety check: this many callbacks, each reported this many times at once. */
  readonly racedCallbacks: number;
  readonly racers: number;
  /** Fresh processes for the cold import median. */
  readonly coldRuns: number;
  /** Deliveries in each profiled round (0: no profile), and how many functions to list. */
  readonly profileDeliveries: number;
  readonly top: number;
  /** LOG_LEVEL of both designs (production default: INFO). */
  readonly logLevel: string;
  /** NODE_OPTIONS of Baton's processes only, to weigh a runtime flag (e.g. `--enable-source-maps`, as deployed). */
  readonly batonNodeOptions?: string;
  /** An already running DynamoDB Local (the test suite's); else one is started and stopped. */
  readonly dynamoDbEndpoint?: string;
  readonly print: (line: string) => void;
}

export const DEFAULT_OPTIONS: Omit<SideBySideOptions, 'print'> = {
  rounds: 7,
  deliveries: 400,
  concurrency: 8,
  warmup: 150,
  racedCallbacks: 10,
  racers: 40,
  coldRuns: 11,
  profileDeliveries: 1000,
  top: 25,
  logLevel: 'INFO',
};

type Design = 'baton' | 'seed';
const DESIGNS: readonly Design[] = ['baton', 'seed'];
const LABEL: Record<Design, string> = { baton: 'Baton runpod-webhook', seed: 'seed 001 design' };
const ENTRY: Record<Design, string> = {
  baton: join(ROOT, 'entrypoints/lambda/runpod-webhook.ts'),
  seed: join(ROOT, 'bench/seed001Webhook.ts'),
};

/** What the report figures come from, for a caller (the test) to check. */
export interface SideBySideReport {
  readonly firstPerSecond: Record<Design, number>;
  readonly duplicatePerSecond: Record<Design, number>;
  readonly cpuUsPerFirst: Record<Design, number>;
  readonly cpuUsPerDuplicate: Record<Design, number>;
  readonly ratios: { firstThroughput: number; duplicateThroughput: number; firstCpu: number; duplicateCpu: number; coldImportCpu: number; bundle: number };
  /** SendTask calls per raced callback. */
  readonly resumesPerRacedCallback: Record<Design, number[]>;
  /** Rounds in which a callback did not get exactly one SendTask (none expected on a machine that keeps up). */
  readonly notExactlyOnce: readonly string[];
  /** Answers of every measured round, by status code. */
  readonly statuses: Record<Design, Record<string, number>>;
}

/** CPU time (user + system) a process has used, in microseconds, from /proc; undefined where there is none. */
function processCpuUs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks (100 Hz).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (us: number) => `${(us / 1000).toFixed(3)} ms`;
const x = (r: number) => `${r.toFixed(2)}×`;
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

function bundleFile(design: Design, minified: boolean): string {
  return join(OUT, `${design}${minified ? '' : '-unminified'}`, 'index.mjs');
}

async function buildAll(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await Promise.all([
    ...DESIGNS.flatMap((d) =>
      [true, false].map((minify) => build({ ...lambdaBuildOptions(ENTRY[d], bundleFile(d, minify)), minify, sourcemap: false })),
    ),
    build({
      entryPoints: [join(ROOT, 'bench/webhookWorker.ts')],
      outfile: join(OUT, 'webhookWorker.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      logLevel: 'error',
    }),
  ]);
}

class Worker {
  private readonly child: ChildProcess;
  private stderr = '';
  private waiting: ((message: unknown) => void) | undefined;

  constructor(env: Record<string, string>) {
    // execArgv: [] — not the driver's `--import tsx`: its loader hooks would see every module the
    // bundle loads, and it turns on source-mapped stack traces, which makes every Error dearer.
    this.child = fork(join(OUT, 'webhookWorker.mjs'), [], { execPath: NODE, execArgv: [], env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    this.child.on('message', (m) => this.waiting?.(m));
    this.child.on('exit', (code) => this.waiting?.({ type: 'error', error: `worker exited (${code}): ${this.stderr}` }));
  }

  async ask<T>(request: WorkerRequest): Promise<T> {
    const answer = new Promise<unknown>((resolve) => (this.waiting = resolve));
    this.child.send(request);
    const m = (await answer) as { type: string; error?: string };
    this.waiting = undefined;
    if (m.type === 'error') throw new Error(`webhook worker: ${m.error}`);
    return m as T;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'exit' } satisfies WorkerRequest);
    await exited;
  }
}

/** `size` worker processes of one design; a round's deliveries are dealt out among them. */
class Pool {
  readonly workers: Worker[];

  constructor(size: number, env: Record<string, string>) {
    this.workers = Array.from({ length: size }, () => new Worker(env));
  }

  async load(file: string): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ask({ type: 'load', file })));
  }

  /**
   * Deals `deliveries` round-robin to the workers, each handling `perWorker` at a time (1: as
   * Lambda does), and sums what they used. The round lasts as long as its slowest worker.
   */
  async round(deliveries: readonly Delivery[], perWorker = 1): Promise<RoundFigures> {
    const n = this.workers.length;
    const slices = this.workers.map((_, w) => deliveries.filter((_d, i) => i % n === w));
    const done = await Promise.all(
      this.workers
        .filter((_, i) => slices[i]!.length > 0)
        .map((w) => w.ask<RoundFigures>({ type: 'round', deliveries: slices[this.workers.indexOf(w)]!, concurrency: perWorker })),
    );
    const statuses: Record<string, number> = {};
    for (const f of done) for (const [code, k] of Object.entries(f.statuses)) statuses[code] = (statuses[code] ?? 0) + k;
    return {
      type: 'round',
      wallMs: Math.max(...done.map((f) => f.wallMs)),
      cpuUs: done.reduce((sum, f) => sum + f.cpuUs, 0),
      statuses,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

/** What RunPod posts: a finished job with a small output, timings included. */
function reportBody(i: number): string {
  return JSON.stringify({
    id: `sync-${i.toString(16).padStart(8, '0')}-e1f2-4a3b-9c8d-u1`,
    status: 'COMPLETED',
    delayTime: 812,
    executionTime: 41_250,
    output: { video_url: `s3://bench-artifacts/runs/${i}/upscaled.mp4`, frames: 240, fps: 24 },
  });
}

interface Bench {
  readonly client: DynamoDBClient;
  readonly sfn: FakeStepFunctions;
  readonly tables: Record<Design, string>;
  readonly mappings: DynamoDbCallbackMappings;
  /** Callback token → task token, for every callback seeded. */
  readonly taskTokens: Map<string, string>;
  seeded: number;
}

/** `count` PENDING callbacks of `design`, each waiting on its own task, stored as that design stores them. */
async function seedCallbacks(b: Bench, design: Design, count: number): Promise<string[]> {
  const tokens = Array.from({ length: count }, () => randomBytes(32).toString('hex'));
  const now = new Date();
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      tokens.slice(i, i + 50).map(async (callbackToken) => {
        b.seeded += 1;
        const taskToken = b.sfn.engine.startTask();
        b.taskTokens.set(callbackToken, taskToken);
        const fields = { jobId: `sync-${b.seeded}`, execId: `exec-${b.seeded}`, segmentFilename: `seg_${b.seeded}.mp4` };
        if (design === 'baton') {
          const created = await b.mappings.create(newCallbackMapping({ callbackToken, taskToken, channel: 'runpod', now, ...fields }));
          if (created.isErr()) throw new Error(`could not seed ${callbackToken}`);
          return;
        }
        await b.client.send(
          new PutItemCommand({
            TableName: b.tables.seed,
            Item: {
              callback_token: { S: callbackToken },
              task_token: { S: taskToken },
              job_id: { S: fields.jobId },
              exec_id: { S: fields.execId },
              segment_filename: { S: fields.segmentFilename },
              status: { S: 'PENDING' },
              created_at: { S: now.toISOString() },
              ttl: { N: String(Math.floor(now.getTime() / 1000) + 7 * 86_400) },
            },
          }),
        );
      }),
    );
  }
  return tokens;
}

function resumeCalls(b: Bench, callbackToken: string): number {
  return b.sfn.engine.task(b.taskTokens.get(callbackToken)!)?.resumeCalls ?? 0;
}

function coldImport(design: Design, env: Record<string, string>): { cpuMs: number; wallMs: number } {
  const url = `file://${bundleFile(design, true)}`;
  const script =
    'const c=process.cpuUsage(),t=performance.now();' +
    `await import(${JSON.stringify(url)});` +
    'const u=process.cpuUsage(c);process.stdout.write(JSON.stringify({cpuMs:(u.user+u.system)/1000,wallMs:performance.now()-t}));';
  const run = spawnSync(NODE, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${design} bundle fails to import: ${run.stderr.slice(0, 400)}`);
  return JSON.parse(run.stdout) as { cpuMs: number; wallMs: number };
}

/** One cold start in a fresh worker process: the bundle's import, then one first delivery, CPU of each. */
async function coldStart(b: Bench, design: Design, env: Record<string, string>): Promise<{ importUs: number; firstUs: number }> {
  const [token] = await seedCallbacks(b, design, 1);
  const worker = new Worker(env);
  try {
    const loaded = await worker.ask<{ cpuUs: number }>({ type: 'load', file: `file://${bundleFile(design, true)}` });
    const first = await worker.ask<RoundFigures>({ type: 'round', deliveries: [{ token: token!, body: reportBody(0) }], concurrency: 1 });
    if (first.statuses['200'] !== 1) throw new Error(`${LABEL[design]}: a cold first delivery answered ${JSON.stringify(first.statuses)}`);
    return { importUs: loaded.cpuUs, firstUs: first.cpuUs };
  } finally {
    await worker.close();
  }
}

/** Runs the comparison and prints it as Markdown. */
export async function webhookSideBySide(o: SideBySideOptions): Promise<SideBySideReport> {
  const p = o.print;
  await buildAll();
  const local = o.dynamoDbEndpoint === undefined ? await startDynamoDbLocal() : undefined;
  const endpoint = o.dynamoDbEndpoint ?? local!.endpoint;
  const sfn = await startFakeStepFunctions();
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const suffix = randomBytes(4).toString('hex');
  const tables: Record<Design, string> = { baton: `bench-baton-${suffix}`, seed: `bench-seed-${suffix}` };
  await client.send(new CreateTableCommand(callbacksTable(tables.baton)));
  await client.send(
    new CreateTableCommand({
      TableName: tables.seed,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'callback_token', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'callback_token', AttributeType: 'S' }],
    }),
  );
  const b: Bench = {
    client,
    sfn,
    tables,
    mappings: new DynamoDbCallbackMappings(client, tables.baton),
    taskTokens: new Map(),
    seeded: 0,
  };
  const envOf = (d: Design): Record<string, string> => ({
    PATH: process.env['PATH'] ?? '',
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_SFN: sfn.endpoint,
    CALLBACK_TABLE_NAME: tables[d],
    LOG_LEVEL: o.logLevel,
    ...(d === 'baton' && o.batonNodeOptions ? { NODE_OPTIONS: o.batonNodeOptions } : {}),
  });
  const pools: Partial<Record<Design, Pool>> = {};
  try {
    for (const d of DESIGNS) {
      pools[d] = new Pool(o.concurrency, envOf(d));
      await pools[d].load(`file://${bundleFile(d, true)}`);
    }
    const statuses: Record<Design, Record<string, number>> = { baton: {}, seed: {} };
    const tally = (d: Design, r: RoundFigures) => {
      for (const [code, n] of Object.entries(r.statuses)) statuses[d][code] = (statuses[d][code] ?? 0) + n;
    };
    const samples = { first: { baton: [] as RoundFigures[], seed: [] as RoundFigures[] }, dup: { baton: [] as RoundFigures[], seed: [] as RoundFigures[] } };
    /** DynamoDB Local's CPU per delivery in each round (when this run started it, so its process is known). */
    const engineCpu = { first: { baton: [] as number[], seed: [] as number[] }, dup: { baton: [] as number[], seed: [] as number[] } };
    const notExactlyOnce: string[] = [];
    const answered = { first: { baton: {}, seed: {} }, dup: { baton: {}, seed: {} } } as Record<'first' | 'dup', Record<Design, Record<string, number>>>;
    const deliveriesOf = (tokens: readonly string[], offset: number): Delivery[] => tokens.map((token, i) => ({ token, body: reportBody(offset + i) }));

    // Round 0 warms both up and is not counted: `warmup` deliveries (and as many duplicates) per
    // process, so every process runs optimised code, and DynamoDB Local's JVM is warm too.
    for (let round = 0; round <= o.rounds; round += 1) {
      const order: Design[] = round % 2 === 0 ? ['baton', 'seed'] : ['seed', 'baton'];
      const count = round === 0 ? o.warmup * o.concurrency : o.deliveries;
      const tokens = { baton: await seedCallbacks(b, 'baton', count), seed: await seedCallbacks(b, 'seed', count) };
      for (const pass of ['first', 'dup'] as const) {
        for (const d of order) {
          const engine = processCpuUs(local?.pid);
          const r = await pools[d]!.round(deliveriesOf(tokens[d], round * o.deliveries));
          const engineAfter = processCpuUs(local?.pid);
          answered[pass][d] = r.statuses;
          if (round > 0) {
            if (engine !== undefined && engineAfter !== undefined) engineCpu[pass][d].push((engineAfter - engine) / o.deliveries);
            samples[pass][d].push(r);
            tally(d, r);
          }
        }
      }
      for (const d of DESIGNS) {
        const calls = tokens[d].map((t) => resumeCalls(b, t));
        const wrong = calls.filter((n) => n !== 1).length;
        if (wrong > 0) {
          const byCount: Record<number, number> = {};
          for (const n of calls) byCount[n] = (byCount[n] ?? 0) + 1;
          // Reported, not thrown: under heavy load a SendTask answered after Baton's 5 s request
          // timeout is retried by the SDK, and the retry finds the task already resumed (Step
          // Functions refuses it; Baton then answers 200, the call taken: StepFunctionsTaskTokens).
          notExactlyOnce.push(
            `${LABEL[d]}: ${wrong} of ${calls.length} callbacks did not get exactly one SendTask in round ${round} ` +
              `(callbacks by SendTask calls: ${JSON.stringify(byCount)}; answers: first ${JSON.stringify(answered.first[d])}, duplicates ${JSON.stringify(answered.dup[d])})`,
          );
        }
      }
    }

    const perSecond = (r: RoundFigures) => o.deliveries / (r.wallMs / 1000);
    const cpuPer = (r: RoundFigures) => r.cpuUs / o.deliveries;
    const pairRatio = (pass: 'first' | 'dup', f: (r: RoundFigures) => number) =>
      median(samples[pass].baton.map((r, i) => f(r) / f(samples[pass].seed[i]!)));
    const of = (pass: 'first' | 'dup', f: (r: RoundFigures) => number) =>
      ({ baton: median(samples[pass].baton.map(f)), seed: median(samples[pass].seed.map(f)) }) as Record<Design, number>;

    // Unsafety: each callback reported `racers` times at once.
    const resumesPerRacedCallback: Record<Design, number[]> = { baton: [], seed: [] };
    const racedStatuses: Record<Design, Record<string, number>> = { baton: {}, seed: {} };
    for (const d of DESIGNS) {
      const tokens = await seedCallbacks(b, d, o.racedCallbacks);
      const body = reportBody(0);
      // Each callback's reports are dealt to every worker, a few at once in each: all in flight together.
      const r = await pools[d]!.round(
        tokens.flatMap((token) => Array.from({ length: o.racers }, () => ({ token, body }))),
        Math.ceil(o.racers / o.concurrency),
      );
      racedStatuses[d] = r.statuses;
      resumesPerRacedCallback[d] = tokens.map((t) => resumeCalls(b, t));
    }

    // Cold import CPU: fresh processes, the designs alternating.
    const cold: Record<Design, { cpuMs: number; wallMs: number }[]> = { baton: [], seed: [] };
    for (let i = 0; i < o.coldRuns; i += 1) for (const d of i % 2 ? ['seed', 'baton'] as const : DESIGNS) cold[d].push(coldImport(d, envOf(d)));
    // Cold start as Lambda pays it: a fresh process imports the bundle, then handles one first
    // delivery (what the import left for later — a lazily loaded module, the SDK's first
    // credentials and endpoint resolution, code compiled on first call — lands here).
    const coldStarts: Record<Design, { importUs: number; firstUs: number }[]> = { baton: [], seed: [] };
    for (let i = 0; i < o.coldRuns; i += 1) {
      for (const d of i % 2 ? ['seed', 'baton'] as const : DESIGNS) coldStarts[d].push(await coldStart(b, d, envOf(d)));
    }
    const coldStartCpu = (d: Design) => median(coldStarts[d].map((c) => c.importUs + c.firstUs)) / 1000;
    const coldFirstCpu = (d: Design) => median(coldStarts[d].map((c) => c.firstUs)) / 1000;
    const coldCpu = { baton: median(cold.baton.map((c) => c.cpuMs)), seed: median(cold.seed.map((c) => c.cpuMs)) };
    const coldWall = { baton: median(cold.baton.map((c) => c.wallMs)), seed: median(cold.seed.map((c) => c.wallMs)) };
    const bytes = { baton: statSync(bundleFile('baton', true)).size, seed: statSync(bundleFile('seed', true)).size };
    const gzipped = {
      baton: gzipSync(readFileSync(bundleFile('baton', true)), { level: 9 }).length,
      seed: gzipSync(readFileSync(bundleFile('seed', true)), { level: 9 }).length,
    };

    const first = { thr: of('first', perSecond), cpu: of('first', cpuPer) };
    const dup = { thr: of('dup', perSecond), cpu: of('dup', cpuPer) };
    const ratios = {
      firstThroughput: pairRatio('first', perSecond),
      duplicateThroughput: pairRatio('dup', perSecond),
      firstCpu: pairRatio('first', cpuPer),
      duplicateCpu: pairRatio('dup', cpuPer),
      coldImportCpu: coldCpu.baton / coldCpu.seed,
      bundle: bytes.baton / bytes.seed,
    };

    p(`## Webhook side by side: Baton vs seed 001's design (DynamoDB Local + fake Step Functions, Node ${process.version})\n`);
    p(`${o.rounds} interleaved rounds of ${o.deliveries} first deliveries then ${o.deliveries} duplicates, ${o.concurrency} in flight (${o.concurrency}`);
    p(`processes per design, one invocation at a time each, as on Lambda), LOG_LEVEL=${o.logLevel}${o.batonNodeOptions ? `, Baton with NODE_OPTIONS=${o.batonNodeOptions}` : ''};`);
    p(`medians of the rounds, ratios the median of per-round ratios. CPU is the handler processes' own (process.cpuUsage).\n`);
    p('| figure | Baton | seed 001 design | Baton ÷ seed | target |');
    p('| --- | ---: | ---: | ---: | --- |');
    p(`| first deliveries per second | ${first.thr.baton.toFixed(0)} | ${first.thr.seed.toFixed(0)} | ${x(ratios.firstThroughput)} | ≥ 0.90× |`);
    p(`| duplicates per second | ${dup.thr.baton.toFixed(0)} | ${dup.thr.seed.toFixed(0)} | ${x(ratios.duplicateThroughput)} | ≥ 1.00× |`);
    p(`| Node CPU per first delivery | ${ms(first.cpu.baton)} | ${ms(first.cpu.seed)} | ${x(ratios.firstCpu)} | ≤ 1.05× |`);
    p(`| Node CPU per duplicate | ${ms(dup.cpu.baton)} | ${ms(dup.cpu.seed)} | ${x(ratios.duplicateCpu)} | ≤ 1.00× |`);
    if (engineCpu.first.baton.length > 0) {
      const e = (pass: 'first' | 'dup', d: Design) => median(engineCpu[pass][d]);
      const row = (label: string, pass: 'first' | 'dup') =>
        p(`| ${label} | ${ms(e(pass, 'baton'))} | ${ms(e(pass, 'seed'))} | ${x(median(engineCpu[pass].baton.map((v, i) => v / engineCpu[pass].seed[i]!)))} | |`);
      row('DynamoDB Local (JVM) CPU per first delivery', 'first');
      row('DynamoDB Local (JVM) CPU per duplicate', 'dup');
    }
    p(`| cold import CPU (median of ${o.coldRuns} fresh processes) | ${coldCpu.baton.toFixed(1)} ms | ${coldCpu.seed.toFixed(1)} ms | ${x(ratios.coldImportCpu)} | ≤ 1.10× |`);
    p(`| cold import wall time | ${coldWall.baton.toFixed(1)} ms | ${coldWall.seed.toFixed(1)} ms | ${x(coldWall.baton / coldWall.seed)} | |`);
    p(`| cold start CPU: import + first delivery (median of ${o.coldRuns} fresh processes) | ${coldStartCpu('baton').toFixed(1)} ms | ${coldStartCpu('seed').toFixed(1)} ms | ${x(coldStartCpu('baton') / coldStartCpu('seed'))} | |`);
    p(`| … of which the first delivery | ${coldFirstCpu('baton').toFixed(1)} ms | ${coldFirstCpu('seed').toFixed(1)} ms | ${x(coldFirstCpu('baton') / coldFirstCpu('seed'))} | |`);
    p(`| bundle (minified; gzip -9) | ${kib(bytes.baton)} (${kib(gzipped.baton)}) | ${kib(bytes.seed)} (${kib(gzipped.seed)}) | ${x(ratios.bundle)} | |`);
    const answers = (s: Record<string, number>) => Object.entries(s).map(([code, n]) => `${n} × ${code}`).join(', ');
    p(`\nAnswers over the measured rounds: Baton ${answers(statuses.baton)}; seed ${answers(statuses.seed)}.\n`);
    for (const note of notExactlyOnce) p(`**Not exactly once:** ${note}\n`);

    p(`### What the seed design's cheapness buys: ${o.racedCallbacks} callbacks, each reported ${o.racers} times at once\n`);
    p('| design | SendTask calls per callback (min / median / max) | answers |');
    p('| --- | --- | --- |');
    for (const d of DESIGNS) {
      const r = resumesPerRacedCallback[d];
      p(`| ${LABEL[d]} | ${Math.min(...r)} / ${median(r)} / ${Math.max(...r)} | ${answers(racedStatuses[d])} |`);
    }
    p(`\nStep Functions takes the first SendTask and refuses the rest; the seed answers those deliveries 410 (or, with`);
    p(`different reports in the race, may record one outcome and resume with another). An outage between its GetItem`);
    p(`and SendTask answers 500 with nothing stored: RunPod retries twice, then the completion is lost. Baton stores`);
    p(`the outcome first and resumes once.\n`);

    if (o.profileDeliveries > 0) await profiles(b, o, envOf);
    return {
      firstPerSecond: first.thr,
      duplicatePerSecond: dup.thr,
      cpuUsPerFirst: first.cpu,
      cpuUsPerDuplicate: dup.cpu,
      ratios,
      resumesPerRacedCallback,
      notExactlyOnce,
      statuses,
    };
  } finally {
    await Promise.all(Object.values(pools).map((pool) => pool.close()));
    client.destroy();
    await sfn.close();
    await local?.stop();
  }
}

/** V8 CPU profiles of one first-delivery and one duplicate round per design, on the unminified bundles (one process, one delivery at a time). */
async function profiles(b: Bench, o: SideBySideOptions, envOf: (d: Design) => Record<string, string>): Promise<void> {
  const p = o.print;
  const times: Record<'first' | 'dup', Record<Design, SelfTime[]>> = { first: { baton: [], seed: [] }, dup: { baton: [], seed: [] } };
  for (const d of DESIGNS) {
    const worker = new Worker(envOf(d));
    try {
      const file = bundleFile(d, false);
      await worker.ask({ type: 'load', file: `file://${file}` });
      const warm = await seedCallbacks(b, d, o.profileDeliveries);
      const warmDeliveries = warm.map((token, i) => ({ token, body: reportBody(i) }));
      await worker.ask({ type: 'round', deliveries: warmDeliveries, concurrency: 1 });
      await worker.ask({ type: 'round', deliveries: warmDeliveries, concurrency: 1 });
      const tokens = await seedCallbacks(b, d, o.profileDeliveries);
      const deliveries = tokens.map((token, i) => ({ token, body: reportBody(i) }));
      for (const pass of ['first', 'dup'] as const) {
        const profileTo = join(OUT, `${d}-${pass}.cpuprofile`);
        const r = await worker.ask<RoundFigures>({ type: 'round', deliveries, concurrency: 1, profileTo });
        const sampled = selfTimes(JSON.parse(readFileSync(profileTo, 'utf8')), file);
        // Samples are taken on a wall-clock interval, so on a loaded machine they also count time
        // the process was not running: scale them to the CPU the round really used.
        const scale = r.cpuUs / sampled.reduce((sum, t) => sum + t.selfUs, 0);
        times[pass][d] = sampled.map((t) => ({ ...t, selfUs: t.selfUs * scale }));
      }
    } finally {
      await worker.close();
    }
  }
  const perDelivery = (us: number) => (us / o.profileDeliveries / 1000).toFixed(3);
  for (const pass of ['first', 'dup'] as const) {
    const groups = { baton: byGroup(times[pass].baton), seed: byGroup(times[pass].seed) };
    const names = [...new Set([...groups.baton.keys(), ...groups.seed.keys()])].sort(
      (a, c) => (groups.baton.get(c) ?? 0) - (groups.seed.get(c) ?? 0) - ((groups.baton.get(a) ?? 0) - (groups.seed.get(a) ?? 0)),
    );
    const total = (g: Map<string, number>) => [...g.values()].reduce((s, v) => s + v, 0);
    p(`### Profile: self time per ${pass === 'first' ? 'first delivery' : 'duplicate'} by package (ms; ${o.profileDeliveries} deliveries, unminified bundles, V8 sampling every 100 µs, scaled to the round's CPU)\n`);
    p('| package | Baton | seed | Baton − seed |');
    p('| --- | ---: | ---: | ---: |');
    for (const n of names) {
      const bt = groups.baton.get(n) ?? 0;
      const sd = groups.seed.get(n) ?? 0;
      if (bt + sd < o.profileDeliveries * 5) continue; // under 5 µs per delivery in both
      p(`| ${n} | ${perDelivery(bt)} | ${perDelivery(sd)} | ${perDelivery(bt - sd)} |`);
    }
    p(`| **all** | **${perDelivery(total(groups.baton))}** | **${perDelivery(total(groups.seed))}** | **${perDelivery(total(groups.baton) - total(groups.seed))}** |\n`);
    p(`Baton's top ${o.top} functions by self time per ${pass === 'first' ? 'first delivery' : 'duplicate'}:\n`);
    p('| function | package | ms |');
    p('| --- | --- | ---: |');
    for (const t of times[pass].baton.slice(0, o.top)) p(`| \`${t.fn}\` | ${t.group} | ${perDelivery(t.selfUs)} |`);
    p('');
  }
}
