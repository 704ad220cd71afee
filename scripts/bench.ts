/**
 * npm run bench — prints the figures in BENCHMARKS.md:
 *  1. per handler bundle: size, and cold import + container time (median of fresh processes),
 *     beside runpod-webhook wired by hand without the container;
 *  2. AWS calls on each webhook path, beside seed 001's design (GetItem + SendTask + UpdateItem);
 *  3. webhooks per second on DynamoDB Local, beside its raw conditional-update rate;
 *  4. synthesis of the CDK example app (deploy/): plain, with cdk-nag, with the CloudFormation validator;
 *  5. `webhook`: runpod-webhook side by side with the safe design written plainly (the floor) and seed
 *     001's unsafe design written plainly (bench/sideBySide.ts), with 8 processes per design and with 1:
 *     throughput, Node CPU per delivery, cold import CPU, bundle size, the seed's unsafety, CPU profiles.
 *     BENCH_ROUNDS, BENCH_DELIVERIES, BENCH_CONCURRENCY, BENCH_WARMUP, BENCH_PROFILE_DELIVERIES, BENCH_LOG_LEVEL,
 *     BENCH_BATON_NODE_OPTIONS, BENCH_SAFE_READ_FIRST (the safe design reads before it claims) tune it.
 * A script, not a test: it measures, it does not judge.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CreateTableCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { CompleteCallback } from '../application/callbacks/CompleteCallback.js';
import { ResumeCallback } from '../application/callbacks/ResumeCallback.js';
import { HandleRunPodWebhook } from '../application/runpod/HandleRunPodWebhook.js';
import { DynamoDbCallbackMappings } from '../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { callbacksTable } from '../adapters/dynamodb/tables/callbacksTable.js';
import { InMemoryMetrics } from '../adapters/memory/InMemoryMetrics.js';
import { InMemoryStepFunctions } from '../adapters/memory/InMemoryStepFunctions.js';
import { RecordingLog } from '../adapters/memory/RecordingLog.js';
import { SystemClock } from '../adapters/system/SystemClock.js';
import { newCallbackMapping } from '../domain/callbacks/CallbackMapping.js';
import { callbackHarness } from '../test/callbacks/callbackHarness.js';
import { LOCAL_AWS, startDynamoDbLocal } from '../test/support/dynamoDbLocal.js';
import { DEFAULT_OPTIONS, webhookSideBySide } from '../bench/sideBySide.js';
import { lambdaBuildOptions } from './bundle.js';

const ROOT = resolve(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 11);

/** Enough configuration for every handler to pass its cold-start check. */
const ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  LOG_LEVEL: 'ERROR',
  CALLBACK_TABLE_NAME: 'callbacks',
  WEBHOOK_BASE_URL: 'https://api.example.com/webhook/',
  RUNPOD_ENDPOINT_URL: 'https://api.runpod.ai/v2/endpoint/run',
  RUNPOD_API_KEY: 'bench',
  BUCKET_NAME: 'bucket',
  DYNAMODB_JOBS_TABLE: 'jobs',
  SQS_JOB_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs',
  S3_BUCKET_NAME: 'bucket',
  DYNAMODB_COUNTER_TABLE: 'counters',
  ARTIFACTS_BUCKET: 'bucket',
  ARTIFACTS_BUCKET_NAME: 'bucket',
  RENDERER_AMI_ID: 'ami-12345678',
  RENDERER_SECURITY_GROUP_ID: 'sg-12345678',
  RENDERER_SUBNET_ID: 'subnet-12345678',
  RENDERER_IAM_INSTANCE_PROFILE: 'arn:aws:iam::123456789012:instance-profile/renderer',
  UPLOADER_AMI_ID: 'ami-12345678',
  UPLOADER_SECURITY_GROUP_ID: 'sg-12345678',
  UPLOADER_SUBNET_ID: 'subnet-12345678',
  UPLOADER_IAM_INSTANCE_PROFILE: 'arn:aws:iam::123456789012:instance-profile/uploader',
  ECS_CLUSTER: 'cluster',
  ECS_TASK_DEF: 'arn:aws:ecs:us-east-1:123456789012:task-definition/recorder:1',
  S3_BUCKET: 'bucket',
  DDB_TABLE: 'jobs',
  CONTAINER_NAME: 'recorder',
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

function coldStartMs(bundle: string, nodeOptions = ''): number | string {
  const script = `const t=performance.now();await import(${JSON.stringify(`file://${bundle}`)});process.stdout.write(String(performance.now()-t));`;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const run = spawnSync(NODE, ['--input-type=module', '-e', script], { env: { ...process.env, ...ENV, NODE_OPTIONS: nodeOptions }, encoding: 'utf8' });
    if (run.status !== 0) return `fails to start: ${(run.stderr.match(/invalid configuration: [^\n]*/) ?? [run.stderr.slice(0, 120)])[0]}`;
    times.push(Number(run.stdout));
  }
  return median(times);
}

async function bundlesAndColdStarts(): Promise<void> {
  execFileSync(NODE, ['--import', 'tsx', join(ROOT, 'scripts/bundle.ts'), '--quiet'], { stdio: 'inherit' });
  const handwired = join(ROOT, 'dist/bench/handwired-webhook.mjs');
  // As the handlers are bundled (source map aside), so the row compares the container alone.
  await build({ ...lambdaBuildOptions(join(ROOT, 'bench/handwiredWebhook.ts'), handwired), sourcemap: false });
  console.log(`## Bundles and cold start (median of ${RUNS} fresh Node ${process.version} processes: import + config + container)\n`);
  console.log('| handler | bundle | zip | cold import + container |');
  console.log('| --- | ---: | ---: | ---: |');
  const dir = join(ROOT, 'dist/lambda');
  const names = readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory()).sort();
  const row = (name: string, file: string, zip: string | undefined, nodeOptions = '') => {
    const ms = coldStartMs(file, nodeOptions);
    const size = statSync(file).size;
    const zipped = zip ? kib(statSync(zip).size) : '–';
    console.log(`| ${name} | ${kib(size)} | ${zipped} | ${typeof ms === 'number' ? `${ms.toFixed(0)} ms` : ms} |`);
  };
  for (const name of names) row(name, join(dir, name, 'index.mjs'), join(dir, `${name}.zip`));
  row('runpod-webhook, wired by hand (no inversify)', handwired, undefined);
  // As deployed: deploy/ sets NODE_OPTIONS=--enable-source-maps, so Node reads index.mjs.map at load.
  row('runpod-webhook with --enable-source-maps (as deployed)', join(dir, 'runpod-webhook/index.mjs'), undefined, '--enable-source-maps');
  console.log();
}

async function callsPerPath(): Promise<void> {
  // Each path is counted whatever it answers: an expired token or an outage answers Err by design.
  const deliver = (h: ReturnType<typeof callbackHarness>, token: string): Promise<void> =>
    h.webhook.execute({ callbackToken: token, body: { id: 'job-1', status: 'COMPLETED', output: {} } }).match(
      () => undefined,
      () => undefined,
    );
  const setUp = async (timeoutSeconds?: number) => {
    const h = callbackHarness();
    const token = h.ids.secretToken();
    const taskToken = h.sfn.startTask(timeoutSeconds === undefined ? {} : { timeoutSeconds });
    const created = await h.mappings.create(newCallbackMapping({ callbackToken: token, taskToken, channel: 'runpod', now: h.clock.now() }));
    if (created.isErr()) throw new Error(`bench set-up: ${created.error.type}`);
    h.mappings.calls.create = 0;
    return { h, token };
  };
  const count = (h: ReturnType<typeof callbackHarness>) => {
    const db = Object.values(h.mappings.calls).reduce((a, b) => a + b, 0);
    const sfn = h.sfn.calls.succeed + h.sfn.calls.fail;
    return { db, sfn };
  };
  const rows: [string, { db: number; sfn: number }, string][] = [];

  let { h, token } = await setUp();
  await deliver(h, token);
  rows.push(['first delivery', count(h), '1 GetItem + 1 SendTask + 1 UpdateItem = 3']);

  ({ h, token } = await setUp());
  await deliver(h, token);
  const before = count(h);
  await deliver(h, token);
  const after = count(h);
  rows.push(['duplicate of a finished callback', { db: after.db - before.db, sfn: after.sfn - before.sfn }, '1 GetItem = 1 (but N concurrent duplicates can all pass it and resume N times)']);

  ({ h, token } = await setUp(1));
  h.clock.advanceSeconds(5);
  await deliver(h, token);
  rows.push(['task token expired', count(h), '1 GetItem + 1 SendTask (+ UpdateItem) = 2–3']);

  ({ h, token } = await setUp());
  h.sfn.setAvailable(false);
  await deliver(h, token);
  h.sfn.setAvailable(true);
  h.clock.advanceSeconds(61);
  await h.redrive.execute();
  rows.push(['Step Functions outage, then redrive', count(h), '1 GetItem + 1 failed SendTask: the completion is lost']);

  console.log('## AWS calls per webhook path\n');
  console.log('| path | Baton: DynamoDB + Step Functions | seed 001 design |');
  console.log('| --- | --- | --- |');
  for (const [path, c, seed] of rows) console.log(`| ${path} | ${c.db} + ${c.sfn} = ${c.db + c.sfn} | ${seed} |`);
  console.log();
}

async function throughput(): Promise<void> {
  const N = Number(process.env['BENCH_WEBHOOKS'] ?? 2000);
  const CONCURRENCY = 16;
  const local = await startDynamoDbLocal();
  try {
    const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: local.endpoint });
    await client.send(new CreateTableCommand(callbacksTable('bench-callbacks')));
    const clock = new SystemClock();
    const mappings = new DynamoDbCallbackMappings(client, 'bench-callbacks');
    const sfn = new InMemoryStepFunctions(clock);
    const log = new RecordingLog();
    const metrics = new InMemoryMetrics();
    const resumeCallback = new ResumeCallback({ mappings, taskTokens: sfn, clock, log, metrics });
    const webhook = new HandleRunPodWebhook({ completeCallback: new CompleteCallback({ mappings, resumeCallback, clock, log, metrics }), log });
    const tokens = Array.from({ length: N }, (_, i) => i.toString(16).padStart(64, '0'));
    for (let i = 0; i < N; i += 100) {
      const created = await Promise.all(
        tokens.slice(i, i + 100).map((t) => mappings.create(newCallbackMapping({ callbackToken: t, taskToken: sfn.startTask(), channel: 'runpod', now: clock.now() }))),
      );
      if (created.some((r) => r.isErr())) throw new Error('bench set-up: a mapping was not created');
    }
    const run = async (work: (i: number) => Promise<unknown>) => {
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < N) await work(next++);
        }),
      );
      return N / ((performance.now() - start) / 1000);
    };
    const webhooksPerSecond = await run(async (i) =>
      await webhook.execute({ callbackToken: tokens[i]!, body: { id: `job-${i}`, status: 'COMPLETED', output: { i } } }),
    );
    const rawPerSecond = await run((i) =>
      client.send(
        new UpdateItemCommand({
          TableName: 'bench-callbacks',
          Key: { callback_token: { S: tokens[i]! } },
          UpdateExpression: 'SET #n = :n',
          ConditionExpression: 'attribute_exists(callback_token)',
          ExpressionAttributeNames: { '#n': 'note' },
          ExpressionAttributeValues: { ':n': { S: 'x' } },
        }),
      ),
    );
    console.log(`## Throughput on DynamoDB Local (${N} webhooks, ${CONCURRENCY} in flight, Step Functions in memory)\n`);
    console.log('| what | per second |');
    console.log('| --- | ---: |');
    console.log(`| webhooks (claim + SendTask + final write) | ${webhooksPerSecond.toFixed(0)} |`);
    console.log(`| raw conditional UpdateItem | ${rawPerSecond.toFixed(0)} |`);
    console.log(`\nA webhook makes two conditional writes, so ~½ of the raw rate is the ceiling.`);
    client.destroy();
  } finally {
    await local.stop();
  }
}

async function synthesis(): Promise<void> {
  execFileSync('bash', [join(ROOT, 'scripts/ensure-deploy-deps.sh')], { stdio: 'inherit' });
  const runs = Math.min(RUNS, 3);
  console.log(`## Synthesis of the CDK example app (median of ${runs} fresh processes)\n`);
  console.log('| what | build the construct tree | synth | whole process (incl. loading aws-cdk-lib) |');
  console.log('| --- | ---: | ---: | ---: |');
  const modes = [
    ['plain (no checks)', 'plain'],
    ['with cdk-nag AwsSolutions', 'nag'],
    ['with cdk-nag and the CloudFormation validator (npm run synth)', 'validated'],
  ] as const;
  for (const [label, mode] of modes) {
    const samples = Array.from({ length: runs }, () => {
      const out = execFileSync(NODE, ['--import', 'tsx', join(ROOT, 'deploy/bin/synthTime.ts'), mode], { cwd: ROOT, encoding: 'utf8' });
      return JSON.parse(out) as { constructMs: number; synthMs: number; totalMs: number };
    });
    const s = (k: 'constructMs' | 'synthMs' | 'totalMs') => `${(median(samples.map((x) => x[k])) / 1000).toFixed(1)} s`;
    console.log(`| ${label} | ${s('constructMs')} | ${s('synthMs')} | ${s('totalMs')} |`);
  }
  console.log();
}

const only = process.argv[2];
if (!only || only === 'cold') await bundlesAndColdStarts();
if (!only || only === 'calls') await callsPerPath();
if (!only || only === 'throughput') await throughput();
if (!only || only === 'webhook') {
  const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  await webhookSideBySide({
    ...DEFAULT_OPTIONS,
    rounds: env('BENCH_ROUNDS', DEFAULT_OPTIONS.rounds),
    deliveries: env('BENCH_DELIVERIES', DEFAULT_OPTIONS.deliveries),
    concurrency: env('BENCH_CONCURRENCY', DEFAULT_OPTIONS.concurrency),
    warmup: env('BENCH_WARMUP', DEFAULT_OPTIONS.warmup),
    coldRuns: RUNS,
    profileDeliveries: env('BENCH_PROFILE_DELIVERIES', DEFAULT_OPTIONS.profileDeliveries),
    logLevel: process.env['BENCH_LOG_LEVEL'] ?? DEFAULT_OPTIONS.logLevel,
    ...(process.env['BENCH_BATON_NODE_OPTIONS'] ? { batonNodeOptions: process.env['BENCH_BATON_NODE_OPTIONS'] } : {}),
    ...(process.env['BENCH_SAFE_READ_FIRST'] ? { safeReadFirst: true } : {}),
    print: (line) => console.log(line),
  });
}
if (!only || only === 'synth') await synthesis();
