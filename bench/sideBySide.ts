/**
 * Three webhook designs side by side, on the same DynamoDB Local and the same fake Step
 * Functions (the real wire protocol), all bundled from the same node_modules with the same
 * esbuild options:
 *   - Baton's `runpod-webhook`;
 *   - the safe design written plainly (bench/safePlainWebhook.ts): Baton's AWS calls and
 *     guarantees, none of its code or libraries — the floor any design with the guarantee reaches;
 *   - seed 001's design written plainly (bench/seed001Webhook.ts), unsafe: every ratio's denominator.
 * So Baton ÷ seed splits into safe ÷ seed (what the guarantee costs) × Baton ÷ safe (what Baton's
 * layers cost). As on Lambda, a process handles one invocation at a time: each design has one
 * worker process (bench/webhookWorker.ts) per delivery in flight, so the CPU counted is its
 * handlers' alone. The rounds are measured twice: with `concurrency` processes per design, and
 * with one process per design (on a 2-core machine, many processes per design contend for
 * caches and the scheduler, which Lambda's environments, each with its own CPU share, do not).
 * Rounds rotate which design goes first; ratios are medians of per-round ratios.
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
  /**
   * Deliveries in flight at once: worker processes per design, each handling one at a time.
   * The rounds are then measured again with one process per design (deliveries one at a time).
   */
  readonly concurrency: number;
  /**
   * First deliveries (and as many duplicates) per process before the measured rounds. The
   * 1-process rounds warm their one process with as many as all `concurrency` processes got
   * (V8 optimises by call counts: a lone process given `warmup` was still speeding up round by round).
   */
  readonly warmup: number;
  /** The unsafety check: this many callbacks, each reported this many times at once. */
  readonly racedCallbacks: number;
  readonly racers: number;
  /** Fresh processes for the cold import median. */
  readonly coldRuns: number;
  /** Deliveries in each profiled round (0: no profile), and how many functions to list. */
  readonly profileDeliveries: number;
  readonly top: number;
  /** LOG_LEVEL of every design (production default: INFO). */
  readonly logLevel: string;
  /** NODE_OPTIONS of Baton's processes only, to weigh a runtime flag (e.g. `--enable-source-maps`, as deployed). */
  readonly batonNodeOptions?: string;
  /** The safe design reads before it claims (bench/safePlainWebhook.ts, `SAFE_READ_FIRST`): what a lighter duplicate costs first deliveries. */
  readonly safeReadFirst?: boolean;
  /** An already running DynamoDB Local (the test suite's); else one is started and stopped. */
  readonly dynamoDbEndpoint?: string;
  readonly print: (line: string) => void;
}

export const DEFAULT_OPTIONS: Omit<SideBySideOptions, 'print'> = {
  rounds: 5,
  deliveries: 300,
  concurrency: 8,
  warmup: 100,
  racedCallbacks: 10,
  racers: 40,
  coldRuns: 11,
  profileDeliveries: 600,
  top: 25,
  logLevel: 'INFO',
};

type Design = 'baton' | 'safe' | 'seed';
const DESIGNS: readonly Design[] = ['baton', 'safe', 'seed'];
const LABEL: Record<Design, string> = { baton: 'Baton runpod-webhook', safe: 'safe design, plain', seed: 'seed 001 design' };
const ENTRY: Record<Design, string> = {
  baton: join(ROOT, 'entrypoints/lambda/runpod-webhook.ts'),
  safe: join(ROOT, 'bench/safePlainWebhook.ts'),
  seed: join(ROOT, 'bench/seed001Webhook.ts'),
};
/** The designs that store callbacks as Baton does (the same table definition, the same items). */
type SafeDesign = Exclude<Design, 'seed'>;

/**
 * The three ratios each figure is reported with: Baton ÷ seed (the issue's), safe ÷ seed (the
 * floor: what the guarantee costs) and Baton ÷ safe (what Baton's layers cost).
 */
type Pair = 'batonToSeed' | 'safeToSeed' | 'batonToSafe';
const PAIRS: Record<Pair, readonly [Design, Design]> = { batonToSeed: ['baton', 'seed'], safeToSeed: ['safe', 'seed'], batonToSafe: ['baton', 'safe'] };

type Figure = 'firstThroughput' | 'duplicateThroughput' | 'firstCpu' | 'duplicateCpu';

/** The figures of the rounds measured with `processes` worker processes per design. */
export interface ModeFigures {
  readonly processes: number;
  readonly firstPerSecond: Record<Design, number>;
  readonly duplicatePerSecond: Record<Design, number>;
  readonly cpuUsPerFirst: Record<Design, number>;
  readonly cpuUsPerDuplicate: Record<Design, number>;
  readonly ratios: Record<Pair, Record<Figure, number>>;
}

/** What the report figures come from, for a caller (the test) to check. */
export interface SideBySideReport {
  /** `concurrency` processes per design, then one. */
  readonly modes: readonly ModeFigures[];
  readonly coldImportCpuMs: Record<Design, number>;
  readonly bundleBytes: Record<Design, number>;
  /** SendTask calls per raced callback. */
  readonly resumesPerRacedCallback: Record<Design, number[]>;
  /** Rounds in which a callback did not get exactly one SendTask (none expected on a machine that keeps up). */
  readonly notExactlyOnce: readonly string[];
  /** Answers of every measured round (both modes), by status code. */
  readonly statuses: Record<Design, Record<string, number>>;
}

/** `{ baton: f('baton'), safe: f('safe'), seed: f('seed') }`. */
function perDesign<T>(f: (d: Design) => T): Record<Design, T> {
  return { baton: f('baton'), safe: f('safe'), seed: f('seed') };
}

/** The designs in round `round`'s order: each takes each place in turn. */
function rotated(round: number): Design[] {
  return DESIGNS.map((_, i) => DESIGNS[(i + round) % DESIGNS.length]!);
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
  constructor(readonly workers: readonly Worker[]) {}

  static spawn(size: number, env: Record<string, string>): Pool {
    return new Pool(Array.from({ length: size }, () => new Worker(env)));
  }

  /** This pool's first worker alone: one process, deliveries one at a time. */
  first(): Pool {
    return new Pool(this.workers.slice(0, 1));
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
  /** Baton's own adapter over each table that holds Baton's items: how both safe designs are seeded. */
  readonly mappings: Record<SafeDesign, DynamoDbCallbackMappings>;
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
        if (design !== 'seed') {
          const created = await b.mappings[design].create(newCallbackMapping({ callbackToken, taskToken, channel: 'runpod', now, ...fields }));
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

/** Per-round samples of one mode's measured rounds. */
interface ModeSamples {
  readonly processes: number;
  readonly samples: Record<'first' | 'dup', Record<Design, RoundFigures[]>>;
  /** DynamoDB Local's CPU per delivery in each round (when this run started it, so its process is known). */
  readonly engineCpu: Record<'first' | 'dup', Record<Design, number[]>>;
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
  const tables = perDesign((d) => `bench-${d}-${suffix}`);
  await client.send(new CreateTableCommand(callbacksTable(tables.baton)));
  await client.send(new CreateTableCommand(callbacksTable(tables.safe)));
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
    mappings: { baton: new DynamoDbCallbackMappings(client, tables.baton), safe: new DynamoDbCallbackMappings(client, tables.safe) },
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
    ...(d === 'safe' && o.safeReadFirst ? { SAFE_READ_FIRST: 'true' } : {}),
  });
  const pools: Partial<Record<Design, Pool>> = {};
  try {
    for (const d of DESIGNS) {
      pools[d] = Pool.spawn(o.concurrency, envOf(d));
      await pools[d].load(`file://${bundleFile(d, true)}`);
    }
    const statuses = perDesign((): Record<string, number> => ({}));
    const notExactlyOnce: string[] = [];
    const deliveriesOf = (tokens: readonly string[], offset: number): Delivery[] => tokens.map((token, i) => ({ token, body: reportBody(offset + i) }));

    /** The interleaved rounds, with `processes` worker processes per design. */
    const measure = async (processes: number): Promise<ModeSamples> => {
      const poolOf = (d: Design) => (processes === o.concurrency ? pools[d]! : pools[d]!.first());
      const samples = { first: perDesign((): RoundFigures[] => []), dup: perDesign((): RoundFigures[] => []) };
      const engineCpu = { first: perDesign((): number[] => []), dup: perDesign((): number[] => []) };
      const answered = { first: perDesign((): Record<string, number> => ({})), dup: perDesign((): Record<string, number> => ({})) };
      // Round 0 warms every design up and is not counted: `warmup` deliveries (and as many
      // duplicates) per process — for one process, as many as all of them — so every process
      // runs optimised code, and DynamoDB Local's JVM is warm too.
      for (let round = 0; round <= o.rounds; round += 1) {
        const order = rotated(round);
        const count = round === 0 ? o.warmup * o.concurrency : o.deliveries;
        const tokens = perDesign((): string[] => []);
        for (const d of DESIGNS) tokens[d] = await seedCallbacks(b, d, count);
        for (const pass of ['first', 'dup'] as const) {
          for (const d of order) {
            const engine = processCpuUs(local?.pid);
            const r = await poolOf(d).round(deliveriesOf(tokens[d], round * o.deliveries));
            const engineAfter = processCpuUs(local?.pid);
            answered[pass][d] = r.statuses;
            if (round > 0) {
              if (engine !== undefined && engineAfter !== undefined) engineCpu[pass][d].push((engineAfter - engine) / o.deliveries);
              samples[pass][d].push(r);
              for (const [code, n] of Object.entries(r.statuses)) statuses[d][code] = (statuses[d][code] ?? 0) + n;
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
              `${LABEL[d]}: ${wrong} of ${calls.length} callbacks did not get exactly one SendTask in round ${round} with ${processes} process(es) ` +
                `(callbacks by SendTask calls: ${JSON.stringify(byCount)}; answers: first ${JSON.stringify(answered.first[d])}, duplicates ${JSON.stringify(answered.dup[d])})`,
            );
          }
        }
      }
      return { processes, samples, engineCpu };
    };
    const measured = [await measure(o.concurrency)];
    if (o.concurrency !== 1) measured.push(await measure(1));

    const perSecond = (r: RoundFigures) => o.deliveries / (r.wallMs / 1000);
    const cpuPer = (r: RoundFigures) => r.cpuUs / o.deliveries;
    const modes: ModeFigures[] = measured.map(({ processes, samples }) => {
      const of = (pass: 'first' | 'dup', f: (r: RoundFigures) => number) => perDesign((d) => median(samples[pass][d].map(f)));
      const pairRatio = (pass: 'first' | 'dup', f: (r: RoundFigures) => number, [a, c]: readonly [Design, Design]) =>
        median(samples[pass][a].map((r, i) => f(r) / f(samples[pass][c][i]!)));
      const ratiosOf = (pair: readonly [Design, Design]): Record<Figure, number> => ({
        firstThroughput: pairRatio('first', perSecond, pair),
        duplicateThroughput: pairRatio('dup', perSecond, pair),
        firstCpu: pairRatio('first', cpuPer, pair),
        duplicateCpu: pairRatio('dup', cpuPer, pair),
      });
      return {
        processes,
        firstPerSecond: of('first', perSecond),
        duplicatePerSecond: of('dup', perSecond),
        cpuUsPerFirst: of('first', cpuPer),
        cpuUsPerDuplicate: of('dup', cpuPer),
        ratios: { batonToSeed: ratiosOf(PAIRS.batonToSeed), safeToSeed: ratiosOf(PAIRS.safeToSeed), batonToSafe: ratiosOf(PAIRS.batonToSafe) },
      };
    });

    // The guarantee: each callback reported `racers` times at once.
    const resumesPerRacedCallback = perDesign((): number[] => []);
    const racedStatuses = perDesign((): Record<string, number> => ({}));
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

    // Cold import CPU: fresh processes, the designs rotating.
    const cold = perDesign((): { cpuMs: number; wallMs: number }[] => []);
    for (let i = 0; i < o.coldRuns; i += 1) for (const d of rotated(i)) cold[d].push(coldImport(d, envOf(d)));
    // Cold start as Lambda pays it: a fresh process imports the bundle, then handles one first
    // delivery (what the import left for later — a lazily loaded module, the SDK's first
    // credentials and endpoint resolution, code compiled on first call — lands here).
    const coldStarts = perDesign((): { importUs: number; firstUs: number }[] => []);
    for (let i = 0; i < o.coldRuns; i += 1) {
      for (const d of rotated(i)) coldStarts[d].push(await coldStart(b, d, envOf(d)));
    }
    const coldStartCpu = perDesign((d) => median(coldStarts[d].map((c) => c.importUs + c.firstUs)) / 1000);
    const coldFirstCpu = perDesign((d) => median(coldStarts[d].map((c) => c.firstUs)) / 1000);
    const coldCpu = perDesign((d) => median(cold[d].map((c) => c.cpuMs)));
    const coldWall = perDesign((d) => median(cold[d].map((c) => c.wallMs)));
    const bytes = perDesign((d) => statSync(bundleFile(d, true)).size);
    const gzipped = perDesign((d) => gzipSync(readFileSync(bundleFile(d, true)), { level: 9 }).length);

    /** `Baton ÷ seed | safe ÷ seed | Baton ÷ safe` of three per-design values. */
    const ratioCells = (v: Record<Design, number>) => `${x(v.baton / v.seed)} | ${x(v.safe / v.seed)} | ${x(v.baton / v.safe)}`;
    const modeLabel = (n: number) => (n === 1 ? '1 process per design' : `${n} processes per design`);
    p(`## Webhook side by side: Baton, the safe design written plainly, seed 001's design (DynamoDB Local + fake Step Functions, Node ${process.version})\n`);
    p(`${o.rounds} rounds of ${o.deliveries} first deliveries then ${o.deliveries} duplicates per design, measured twice: with ${o.concurrency}`);
    p(`worker processes per design (${o.concurrency} deliveries in flight) and with 1 process per design (one delivery at a time);`);
    p(`each process handles one invocation at a time, as on Lambda. The rounds rotate which design goes first. LOG_LEVEL=${o.logLevel}${o.batonNodeOptions ? `, Baton with NODE_OPTIONS=${o.batonNodeOptions}` : ''}${o.safeReadFirst ? ', the safe design reading before it claims (SAFE_READ_FIRST)' : ''}.`);
    p(`Medians of the rounds; each ratio is the median of per-round ratios. CPU is the handler processes' own (process.cpuUsage).`);
    p(`safe ÷ seed is the floor (what the guarantee costs, written plainly); Baton ÷ safe is what Baton's layers cost.\n`);
    p('| figure | Baton | safe, plain | seed 001 | Baton ÷ seed | safe ÷ seed (floor) | Baton ÷ safe (layers) | target (Baton ÷ seed) |');
    p('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const [m, mode] of modes.entries()) {
      const { engineCpu } = measured[m]!;
      const label = modeLabel(mode.processes);
      const row = (figure: string, v: Record<Design, number>, show: (n: number) => string, f: Figure, target: string) =>
        p(`| ${figure}, ${label} | ${show(v.baton)} | ${show(v.safe)} | ${show(v.seed)} | ${x(mode.ratios.batonToSeed[f])} | ${x(mode.ratios.safeToSeed[f])} | ${x(mode.ratios.batonToSafe[f])} | ${target} |`);
      const rate = (n: number) => n.toFixed(0);
      row('first deliveries per second', mode.firstPerSecond, rate, 'firstThroughput', '≥ 0.90×');
      row('duplicates per second', mode.duplicatePerSecond, rate, 'duplicateThroughput', '≥ 1.00×');
      row('Node CPU per first delivery', mode.cpuUsPerFirst, ms, 'firstCpu', '≤ 1.05×');
      row('Node CPU per duplicate', mode.cpuUsPerDuplicate, ms, 'duplicateCpu', '≤ 1.00×');
      if (engineCpu.first.baton.length > 0) {
        const engineRow = (figure: string, pass: 'first' | 'dup') => {
          const e = engineCpu[pass];
          const r = (a: Design, c: Design) => x(median(e[a].map((v, i) => v / e[c][i]!)));
          const v = perDesign((d) => median(e[d]));
          p(`| ${figure}, ${label} | ${ms(v.baton)} | ${ms(v.safe)} | ${ms(v.seed)} | ${r('baton', 'seed')} | ${r('safe', 'seed')} | ${r('baton', 'safe')} | |`);
        };
        engineRow('DynamoDB Local (JVM) CPU per first delivery', 'first');
        engineRow('DynamoDB Local (JVM) CPU per duplicate', 'dup');
      }
    }
    const fixed = (n: number) => `${n.toFixed(1)} ms`;
    p(`| cold import CPU (median of ${o.coldRuns} fresh processes) | ${fixed(coldCpu.baton)} | ${fixed(coldCpu.safe)} | ${fixed(coldCpu.seed)} | ${ratioCells(coldCpu)} | ≤ 1.10× |`);
    p(`| cold import wall time | ${fixed(coldWall.baton)} | ${fixed(coldWall.safe)} | ${fixed(coldWall.seed)} | ${ratioCells(coldWall)} | |`);
    p(`| cold start CPU: import + first delivery (median of ${o.coldRuns} fresh processes) | ${fixed(coldStartCpu.baton)} | ${fixed(coldStartCpu.safe)} | ${fixed(coldStartCpu.seed)} | ${ratioCells(coldStartCpu)} | |`);
    p(`| … of which the first delivery | ${fixed(coldFirstCpu.baton)} | ${fixed(coldFirstCpu.safe)} | ${fixed(coldFirstCpu.seed)} | ${ratioCells(coldFirstCpu)} | |`);
    const size = (d: Design) => `${kib(bytes[d])} (${kib(gzipped[d])})`;
    p(`| bundle (minified; gzip -9) | ${size('baton')} | ${size('safe')} | ${size('seed')} | ${ratioCells(bytes)} | |`);
    p(`\nNode CPU per delivery in each measured round (ms, round order): the rounds drift alike for every design`);
    p(`(warm-up, load), which the per-round ratios cancel and the medians above, taken from different rounds, do not.\n`);
    p('| mode | pass | Baton | safe, plain | seed 001 |');
    p('| --- | --- | --- | --- | --- |');
    for (const { processes, samples } of measured) {
      for (const pass of ['first', 'dup'] as const) {
        const rounds = (d: Design) => samples[pass][d].map((r) => (cpuPer(r) / 1000).toFixed(2)).join(' ');
        p(`| ${modeLabel(processes)} | ${pass === 'first' ? 'first deliveries' : 'duplicates'} | ${rounds('baton')} | ${rounds('safe')} | ${rounds('seed')} |`);
      }
    }
    const answers = (s: Record<string, number>) => Object.entries(s).map(([code, n]) => `${n} × ${code}`).join(', ');
    p(`\nAnswers over the measured rounds: ${DESIGNS.map((d) => `${LABEL[d]} ${answers(statuses[d])}`).join('; ')}.\n`);
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
    p(`and SendTask answers 500 with nothing stored: RunPod retries twice, then the completion is lost. Baton and the`);
    p(`safe design store the outcome first and resume once.\n`);

    if (o.profileDeliveries > 0) await profiles(b, o, envOf);
    return { modes, coldImportCpuMs: coldCpu, bundleBytes: bytes, resumesPerRacedCallback, notExactlyOnce, statuses };
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
  const times = { first: perDesign((): SelfTime[] => []), dup: perDesign((): SelfTime[] => []) };
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
    const what = pass === 'first' ? 'first delivery' : 'duplicate';
    const groups = perDesign((d) => byGroup(times[pass][d]));
    const at = (d: Design, n: string) => groups[d].get(n) ?? 0;
    const names = [...new Set(DESIGNS.flatMap((d) => [...groups[d].keys()]))].sort(
      (a, c) => at('baton', c) - at('seed', c) - (at('baton', a) - at('seed', a)),
    );
    const total = (d: Design) => [...groups[d].values()].reduce((s, v) => s + v, 0);
    p(`### Profile: self time per ${what} by package (ms; ${o.profileDeliveries} deliveries, unminified bundles, V8 sampling every 100 µs, scaled to the round's CPU)\n`);
    p('| package | Baton | safe, plain | seed | Baton − safe (layers) | safe − seed (floor) |');
    p('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const n of names) {
      // Under 5 µs per delivery in every design: left out.
      if (DESIGNS.reduce((s, d) => s + at(d, n), 0) < o.profileDeliveries * 5) continue;
      p(`| ${n} | ${perDelivery(at('baton', n))} | ${perDelivery(at('safe', n))} | ${perDelivery(at('seed', n))} | ${perDelivery(at('baton', n) - at('safe', n))} | ${perDelivery(at('safe', n) - at('seed', n))} |`);
    }
    const [bt, sf, sd] = [total('baton'), total('safe'), total('seed')];
    p(`| **all** | **${perDelivery(bt)}** | **${perDelivery(sf)}** | **${perDelivery(sd)}** | **${perDelivery(bt - sf)}** | **${perDelivery(sf - sd)}** |\n`);
    for (const d of ['baton', 'safe'] as const) {
      p(`${LABEL[d]}: top ${o.top} functions by self time per ${what}:\n`);
      p('| function | package | ms |');
      p('| --- | --- | ---: |');
      for (const t of times[pass][d].slice(0, o.top)) p(`| \`${t.fn}\` | ${t.group} | ${perDelivery(t.selfUs)} |`);
      p('');
    }
  }
}
