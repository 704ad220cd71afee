import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { countersTable } from '../../adapters/dynamodb/tables/countersTable.js';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { startFakeEcs, type FakeEcs } from '../dispatch/fakeEcs.js';
import { startFakeSqs, type FakeSqs } from '../jobs/support/fakeSqs.js';
import { handlerLogs, type HandlerLogs } from '../support/captureHandlerLogs.js';
import { startFakeRunPod, type FakeRunPod } from '../support/fakeRunPod.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../support/fakeStepFunctions.js';
import { lambdaContext, loadBundle } from '../support/loadBundle.js';
import { useLocalAws } from '../support/localAwsEnv.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { PLANTED, type Trigger } from './fuzzedSystems.js';
import { eventsFor } from './hostileEvents.js';
import { outcomeOf, violation } from './verdict.js';

/**
 * A slice of the fuzz suite over the built bundles, each with its own bundled SDK, against
 * DynamoDB Local and the wire fakes: what the in-memory adapters cannot show — values that
 * validate but that DynamoDB or the SDK refuse (number range, key bytes, nesting, lone
 * surrogates) — shows here as a 5xx or a thrown SDK error.
 */
const RUNS_PER_BUNDLE = 60;
const API_KEY = 'rp_live_PLANTED_api_key_0123456789';
const BUNDLES: [string, Trigger][] = [
  ['submit-job', 'http'],
  ['get-job-status', 'http'],
  ['update-job-status', 'sqs'],
  ['runpod-webhook', 'http'],
  ['submit-runpod-job', 'task'],
  ['handle-error', 'task'],
  ['increment-counter', 'task'],
  ['reserve-quota', 'task'],
  ['release-quota', 'task'],
  ['dispatch-to-ecs', 'http'],
];

const saved = { ...process.env };
let sqs: FakeSqs;
let sfn: FakeStepFunctions;
let ecs: FakeEcs;
let runpod: FakeRunPod;
let logs: HandlerLogs;
const handlers = new Map<string, (event: unknown) => Promise<unknown>>();

beforeAll(async () => {
  [sqs, sfn, ecs, runpod] = await Promise.all([startFakeSqs(), startFakeStepFunctions(), startFakeEcs(), startFakeRunPod()]);
  const client = localDynamoDbClient();
  const [jobs, callbacks, counters] = await Promise.all([
    createLocalTable(client, jobsTable),
    createLocalTable(client, callbacksTable),
    createLocalTable(client, countersTable),
  ]);
  (await new DynamoDbCallbackMappings(client, callbacks).create(
    newCallbackMapping({ callbackToken: PLANTED.callbackToken, taskToken: sfn.engine.startTask(), channel: 'runpod', now: new Date() }),
  ))._unsafeUnwrap();
  useLocalAws(
    { SQS: sqs.endpoint, SFN: sfn.endpoint, ECS: ecs.endpoint },
    {
      LOG_LEVEL: 'INFO',
      DYNAMODB_JOBS_TABLE: jobs,
      SQS_JOB_QUEUE_URL: sqs.createQueue('jobs'),
      S3_BUCKET_NAME: 'fuzz-outputs',
      CALLBACK_TABLE_NAME: callbacks,
      WEBHOOK_BASE_URL: 'https://api.example.com/webhook/',
      RUNPOD_ENDPOINT_URL: runpod.url,
      RUNPOD_API_KEY: API_KEY,
      BUCKET_NAME: 'fuzz-bucket',
      DYNAMODB_COUNTER_TABLE: counters,
      DDB_TABLE: jobs,
      ECS_CLUSTER: 'recorders',
      ECS_TASK_DEF: 'arn:aws:ecs:us-east-1:123456789012:task-definition/recorder:3',
      S3_BUCKET: 'fuzz-recordings',
      CONTAINER_NAME: 'recorder',
    },
  );
  logs = handlerLogs();
  logs.clear();
  for (const [name] of BUNDLES) {
    const handler = await loadBundle(name);
    handlers.set(name, (event) => handler(event, lambdaContext));
  }
});

afterAll(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  await Promise.all([sqs.close(), sfn.close(), ecs.close(), runpod.close()]);
});

describe('the built bundles under hostile input (DynamoDB Local, wire fakes)', () => {
  it.each(BUNDLES.map(([name, trigger], i) => [name, trigger, i] as const))('%s: no 5xx, no crash', async (name, trigger, i) => {
    const handle = handlers.get(name)!;
    await fc.assert(
      fc.asyncProperty(eventsFor(name, trigger), async (event) => {
        const problem = violation(trigger, event, await outcomeOf(() => handle(event)));
        if (problem) throw new Error(`${name}: ${problem}`);
      }),
      { numRuns: RUNS_PER_BUNDLE, seed: 1200 + i, endOnFailure: true },
    );
  });

  it('wrote no secret and no unbounded value to the logs', () => {
    const text = logs.text();
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(PLANTED.taskToken);
    expect(text).not.toContain(PLANTED.callbackToken);
    expect(Math.max(...logs.lines.map((l) => l.length))).toBeLessThanOrEqual(16 * 1024);
  });
});
