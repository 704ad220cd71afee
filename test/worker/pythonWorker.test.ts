import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetItemCommand, type CreateTableInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemorySpotInstances } from '../../adapters/memory/InMemorySpotInstances.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { StepFunctionsTaskTokens } from '../../adapters/stepfunctions/StepFunctionsTaskTokens.js';
import { CryptoIds } from '../../adapters/system/CryptoIds.js';
import { SystemClock } from '../../adapters/system/SystemClock.js';
import { RedriveCallbacks } from '../../application/callbacks/RedriveCallbacks.js';
import { ResumeCallback } from '../../application/callbacks/ResumeCallback.js';
import { LaunchWorker } from '../../application/launch/LaunchWorker.js';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { failureOutcome, successOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import { readWorkerEnvironment } from '../../domain/launch/userDataScript.js';
import { createWorker } from '../../entrypoints/worker/createWorker.js';
import { aLaunchSettings } from '../launch/builders.js';
import { SHARD_VECTORS } from '../callbacks/shardVectors.js';
import { redrivePartition } from '../../adapters/dynamodb/callbackItem.js';
import type { PageCursor } from '../../application/ports/CallbackMappings.js';
import { LOCAL_AWS } from '../support/dynamoDbLocal.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../support/fakeStepFunctions.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { describePython, drivePython, pythonWorkerEnv, runPython, runSteps } from '../support/python.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * baton_worker (workers/python) against DynamoDB Local and Step Functions' wire protocol, on a
 * callbacks table made from dist/tables.json — the definition deployments use — with mappings
 * written by the TypeScript launcher. Its reports must interleave with the TypeScript worker and
 * redrive exactly as the TypeScript worker's do.
 */
describePython('baton_worker (Python) on DynamoDB Local', () => {
  let db: DynamoDBClient;
  let table: string;
  let sfn: FakeStepFunctions;
  let mappings: DynamoDbCallbackMappings;

  beforeAll(async () => {
    db = localDynamoDbClient();
    const tables = JSON.parse(readFileSync(resolve(ROOT, 'dist/tables.json'), 'utf8')) as { callbacks: CreateTableInput };
    table = await createLocalTable(db, (name) => ({ ...tables.callbacks, TableName: name }));
    mappings = new DynamoDbCallbackMappings(db, table);
    sfn = await startFakeStepFunctions();
  });
  afterAll(async () => {
    await sfn.close();
  });

  /** start-renderer as in production: a waiting task, a PENDING mapping, user-data; returns the instance's environment. */
  async function launchRenderer(jobId: string, callbackIndexShards?: number) {
    const taskToken = sfn.engine.startTask({ timeoutSeconds: 3600, heartbeatSeconds: 900 });
    const spot = new InMemorySpotInstances();
    const launch = new LaunchWorker(
      {
        reportChannel: { kind: 'callbacksTable', tableName: table, mappings },
        spotInstances: spot,
        ids: new CryptoIds(),
        clock: new SystemClock(),
        log: new RecordingLog(),
        metrics: new InMemoryMetrics(),
      },
      aLaunchSettings({ role: 'renderer', ...(callbackIndexShards === undefined ? {} : { callbackIndexShards }) }),
    );
    (await launch.execute({ job_id: jobId, task_token: taskToken }))._unsafeUnwrap();
    const userData = Object.fromEntries(readWorkerEnvironment(spot.instances[0]!.request.userData));
    const env = pythonWorkerEnv({
      ...userData,
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint'),
      AWS_ENDPOINT_URL_SFN: sfn.endpoint,
    });
    return { taskToken, env, callbackToken: userData['CALLBACK_TOKEN']! };
  }

  const item = async (callbackToken: string) =>
    (await db.send(new GetItemCommand({ TableName: table, Key: { callback_token: { S: callbackToken } }, ConsistentRead: true }))).Item!;
  const sendTaskCalls = (taskToken: string) =>
    sfn.requests.filter((r) => r.operation !== 'SendTaskHeartbeat' && r.input['taskToken'] === taskToken).length;

  it('builds the same stored outcomes as the TypeScript worker (JSON spelling, 256 KiB marker, clamped names)', async () => {
    const payloads = [
      { job_id: 'job-1', status: 'completed', video_key: 'runs/job-1/video.mp4' },
      { job_id: 'job-é', note: 'ünïcödé ✓ 🎬', n: 1.5, nested: { a: [1, null, true] } },
      { job_id: 'job-big', output: 'x'.repeat(300_000) },
      { everything: 'y'.repeat(300_000) },
    ];
    const failures: [string, string][] = [
      ['RenderError', 'ffmpeg exited 1'],
      ['E'.repeat(300), 'c'.repeat(40_000)],
    ];

    const py = (await runPython({ action: 'outcomes', payloads, failures }, pythonWorkerEnv({}))) as unknown as {
      success: { outcome: string; output: string }[];
      failure: { outcome: string; error: string; cause: string }[];
    };

    expect(py.success.map((o) => ({ kind: 'success', output: o.output }))).toEqual(payloads.map(successOutcome));
    expect(py.failure.map((o) => ({ kind: 'failure', error: o.error, cause: o.cause }))).toEqual(failures.map(([e, c]) => failureOutcome(e, c)));
  });

  it('the seed\'s renderer reports success: Step Functions resumed once, the mapping COMPLETED and out of the redrive index', async () => {
    const { taskToken, env, callbackToken } = await launchRenderer('job-py-1');
    const output = { job_id: 'job-py-1', status: 'completed', video_key: 'runs/job-py-1/video.mp4' };

    const answers = await runSteps(
      [
        { action: 'report_success', output },
        { action: 'report_success', output: { job_id: 'job-py-1', copy: 2 } },
      ],
      env,
    );

    expect(answers).toEqual([{ answer: 'Resumed' }, { answer: 'AlreadyReported' }]);
    expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'succeeded', resumeCalls: 1, output: JSON.stringify(output) });
    expect(sendTaskCalls(taskToken)).toBe(1);
    const stored = await item(callbackToken);
    expect(stored['status']).toEqual({ S: 'COMPLETED' });
    expect(stored['redrive_pk']).toBeUndefined();
    expect(stored['result']).toEqual({ M: { outcome: { S: 'success' }, output: { S: JSON.stringify(output) } } });
  });

  it('a failure is reported under its error name (YouTubeQuotaError), once', async () => {
    const { taskToken, env, callbackToken } = await launchRenderer('job-py-2');

    const result = await runPython({ action: 'report_failure', error: 'YouTubeQuotaError', cause: 'quotaExceeded' }, env);

    expect(result).toEqual({ answer: 'Resumed' });
    expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'failed', error: 'YouTubeQuotaError', cause: 'quotaExceeded', resumeCalls: 1 });
    expect((await item(callbackToken))['status']).toEqual({ S: 'FAILED' });
  });

  it('two processes reporting at the same instant resume Step Functions exactly once (two jobs)', async () => {
    const jobs = await Promise.all(['job-race-1', 'job-race-2'].map((jobId) => launchRenderer(jobId)));
    // The loser may find the winner mid-resume (ACCEPTED) and hold: it must see the final write soon, not a minute later.
    const options = { heartbeat_seconds: 0.05 };
    const runs = jobs.flatMap(({ env }) => [
      drivePython({ action: 'report_success', output: { status: 'completed' }, wait_for_go: true, options }, env),
      drivePython({ action: 'report_failure', error: 'RenderError', cause: 'second process', wait_for_go: true, options }, env),
    ]);
    await Promise.all(runs.map((r) => r.ready));

    runs.forEach((r) => r.go());
    const answers = await Promise.all(runs.map((r) => r.result));

    for (const [i, { taskToken }] of jobs.entries()) {
      expect(sfn.engine.task(taskToken)!.resumeCalls).toBe(1);
      expect(sendTaskCalls(taskToken)).toBe(1);
      const pair = answers.slice(2 * i, 2 * i + 2).map((a) => ('answer' in a ? a.answer : a.raised));
      expect(pair.filter((a) => a === 'Resumed')).toHaveLength(1);
      expect(pair.filter((a) => a !== 'Resumed')).toEqual([expect.stringMatching(/^(AlreadyReported|Accepted)$/)]);
    }
  });

  it('a Python report racing the TypeScript worker on the same mapping: one resume', async () => {
    const { taskToken, env, callbackToken } = await launchRenderer('job-mixed');
    const tsWorker = createWorker({
      jobId: 'job-mixed',
      access: { kind: 'callback', callbackToken, mappings },
      taskTokens: new StepFunctionsTaskTokens(new SFNClient({ ...LOCAL_AWS, endpoint: sfn.endpoint })),
      clock: new SystemClock(),
      log: new RecordingLog(),
      metrics: new InMemoryMetrics(),
    });
    const py = drivePython({ action: 'report_success', output: { from: 'python' }, wait_for_go: true, options: { heartbeat_seconds: 0.05 } }, env);
    await py.ready;

    py.go();
    const [ts] = await Promise.all([tsWorker.reportSuccess({ from: 'typescript' }), py.result]);

    expect(ts.isOk()).toBe(true);
    expect(sfn.engine.task(taskToken)!.resumeCalls).toBe(1);
    expect(sendTaskCalls(taskToken)).toBe(1);
  });

  it('heartbeats while PENDING, stops once reported; a heartbeat thread ends by itself when the job is reported elsewhere', async () => {
    const { taskToken, env } = await launchRenderer('job-beat');
    const beats = () => sfn.requests.filter((r) => r.operation === 'SendTaskHeartbeat' && r.input['taskToken'] === taskToken).length;

    const beating = runSteps([{ action: 'heartbeat' }, { action: 'heartbeat_thread', interval: 0.05 }], env);
    await vi.waitFor(() => expect(beats()).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    const reported = await runSteps([{ action: 'report_success', output: { status: 'completed' } }, { action: 'heartbeat' }], env);

    expect(await beating).toEqual([{ answer: 'Sent' }, { answer: 'ended' }]);
    expect(reported).toEqual([{ answer: 'Resumed' }, { answer: 'AlreadyReported' }]);
  });

  it('when Step Functions no longer waits, heartbeat and report say WorkflowGone and the mapping ends EXPIRED', async () => {
    const { taskToken, env, callbackToken } = await launchRenderer('job-gone');
    (await sfn.engine.fail(taskToken, 'States.Timeout', 'the execution stopped waiting'))._unsafeUnwrap();

    const answers = await runSteps(
      [{ action: 'heartbeat' }, { action: 'report_success', output: {} }, { action: 'report_success', output: {} }],
      env,
    );

    expect(answers).toEqual(Array(3).fill({ raised: 'WorkflowGone', reason: 'TaskTimedOut' }));
    expect(await item(callbackToken)).toMatchObject({ status: { S: 'EXPIRED' }, gone_reason: { S: 'TaskTimedOut' } });
  });

  it('when the task is gone mid-work, the heartbeat stops the work (SIGINT), so the bootstrap powers the instance off', async () => {
    const { taskToken, env } = await launchRenderer('job-stop');
    const beats = () => sfn.requests.filter((r) => r.operation === 'SendTaskHeartbeat' && r.input['taskToken'] === taskToken).length;
    const working = runSteps([{ action: 'work_until_gone', interval: 0.05 }], env);
    await vi.waitFor(() => expect(beats()).toBeGreaterThanOrEqual(1), { timeout: 10_000 });

    (await sfn.engine.fail(taskToken, 'States.Timeout', 'the execution stopped waiting'))._unsafeUnwrap();

    expect(await working).toEqual([{ answer: 'interrupted' }]);
  });

  it('a RunPod mapping\'s token or an unknown token is not found: it neither reports nor heartbeats', async () => {
    const taskToken = sfn.engine.startTask({ timeoutSeconds: 3600 });
    const runpodToken = 'a'.repeat(63) + 'b';
    (await mappings.create(newCallbackMapping({ callbackToken: runpodToken, taskToken, channel: 'runpod', now: new Date() })))._unsafeUnwrap();
    const env = (token: string) =>
      pythonWorkerEnv({
        JOB_ID: 'job-x',
        CALLBACK_TOKEN: token,
        CALLBACK_TABLE_NAME: table,
        AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint'),
        AWS_ENDPOINT_URL_SFN: sfn.endpoint,
      });

    const [runpod, unknown] = await Promise.all([
      runSteps([{ action: 'report_success', output: {} }, { action: 'heartbeat' }], env(runpodToken)),
      runPython({ action: 'report_success', output: {} }, env('f'.repeat(64))),
    ]);

    expect(runpod).toEqual([{ raised: 'CallbackNotFound' }, { raised: 'CallbackNotFound' }]);
    expect(unknown).toEqual({ raised: 'CallbackNotFound' });
    expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'waiting', resumeCalls: 0 });
    expect((await item(runpodToken))['status']).toEqual({ S: 'PENDING' });
  });

  /** The TypeScript redrive, run in its own process two minutes after the report (past `redriveAfterSeconds`). */
  async function redriveTwoMinutesLater() {
    const clock = new ManualClock(new Date(Date.now() + 120_000).toISOString());
    const [log, metrics] = [new RecordingLog(), new InMemoryMetrics()];
    const taskTokens = new StepFunctionsTaskTokens(new SFNClient({ ...LOCAL_AWS, endpoint: sfn.endpoint }));
    const resumeCallback = new ResumeCallback({ mappings, taskTokens, clock, log, metrics });
    const redrive = new RedriveCallbacks(
      { mappings, resumeCallback, clock, log, metrics },
      { redriveAfterSeconds: 60, leaseSeconds: 60, pageSize: 100, maxPages: 10 },
    );
    return { report: await redrive.execute(), metrics };
  }

  it('Step Functions down: the report is kept ACCEPTED under the redrive index key the TypeScript redrive queries, which resumes it once', async () => {
    const { taskToken, env, callbackToken } = await launchRenderer('job-redrive');
    sfn.setDown(true);

    const answer = await runPython(
      { action: 'report_success', output: { status: 'completed' }, options: { hold_seconds: 0, sfn_max_attempts: 1 } },
      env,
    );
    sfn.setDown(false);
    const { report } = await redriveTwoMinutesLater();

    expect(answer).toEqual({ answer: 'Accepted' });
    expect(report.resumed).toBeGreaterThanOrEqual(1);
    expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'succeeded', resumeCalls: 1 });
    expect((await item(callbackToken))['status']).toEqual({ S: 'COMPLETED' });
  });

  it('a resume whose every answer was lost is noted on the mapping: the TypeScript redrive that finds the token closed records it COMPLETED, not EXPIRED', async () => {
    const { taskToken, env, callbackToken } = await launchRenderer('job-all-lost');
    sfn.loseAnswers(10, 'reset'); // the first attempt resumes the task; every answer, the retries' too, is lost

    const run = drivePython({ action: 'report_success', output: { status: 'completed' }, options: { hold_seconds: 0, sfn_max_attempts: 1 } }, env);
    const answer = await run.result;
    sfn.loseAnswers(0, 'reset');
    const noted = await item(callbackToken);
    const { metrics } = await redriveTwoMinutesLater();

    expect(answer, run.stderr()).toEqual({ answer: 'Accepted' });
    expect(noted).toMatchObject({ status: { S: 'ACCEPTED' }, resume_unanswered_at: { S: expect.any(String) } });
    // Resumed once, by the first attempt: every later SendTask (the retries', the redrive's) was refused.
    expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'succeeded', output: JSON.stringify({ status: 'completed' }) });
    expect(await item(callbackToken)).toMatchObject({ status: { S: 'COMPLETED' } });
    expect(metrics.get('CallbacksResumeUnconfirmed')).toBe(1);
  });

  it('after an Accepted report it keeps the task alive with heartbeats until the redrive has resumed it', async () => {
    const { taskToken, env, callbackToken } = await launchRenderer('job-hold');
    sfn.setDown(true);
    const holding = drivePython(
      {
        action: 'report_success',
        output: { status: 'completed' },
        options: { hold_seconds: 30, heartbeat_seconds: 0.05, sfn_max_attempts: 1 },
      },
      env,
    );
    await vi.waitFor(async () => expect((await item(callbackToken))['status']).toEqual({ S: 'ACCEPTED' }), { timeout: 10_000 });
    await vi.waitFor(() => expect(holding.stderr()).toContain('Heartbeat not delivered'), { timeout: 10_000 });

    sfn.setDown(false);
    await new ResumeCallback({
      mappings,
      taskTokens: new StepFunctionsTaskTokens(new SFNClient({ ...LOCAL_AWS, endpoint: sfn.endpoint })),
      clock: new SystemClock(),
      log: new RecordingLog(),
      metrics: new InMemoryMetrics(),
    })
      .execute((await mappings.find(callbackToken))!);

    expect(await holding.result, holding.stderr()).toEqual({ answer: 'Accepted' });
    expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'succeeded', resumeCalls: 1 });
    expect(sfn.requests.filter((r) => r.operation === 'SendTaskHeartbeat' && r.input['taskToken'] === taskToken).length).toBeGreaterThan(0);
  });

  it('hashes tokens to index shards exactly as the TypeScript side does (the pinned vectors)', async () => {
    const tokens = SHARD_VECTORS.map((v) => v.token);

    const py = (await runPython({ action: 'shards', tokens, counts: [1, 4, 32] }, pythonWorkerEnv({}))) as unknown as {
      fnv1a32: number[];
      partitions: Record<string, string[]>;
    };

    expect(py.fnv1a32).toEqual(SHARD_VECTORS.map((v) => v.fnv1a32));
    for (const n of [1, 4, 32]) expect(py.partitions[String(n)]).toEqual(tokens.map((t) => redrivePartition(t, n)));
  });

  it('claims into the redrive shard of CALLBACK_INDEX_SHARDS from user-data, where a TypeScript reader of that many shards finds it', async () => {
    const { env, callbackToken } = await launchRenderer('job-shards', 4);
    sfn.setDown(true);

    const answer = await runPython(
      { action: 'report_success', output: { status: 'completed' }, options: { hold_seconds: 0, sfn_max_attempts: 1 } },
      env,
    );
    sfn.setDown(false);

    expect(answer).toEqual({ answer: 'Accepted' });
    expect(env['CALLBACK_INDEX_SHARDS']).toBe('4');
    expect((await item(callbackToken))['redrive_pk']).toEqual({ S: redrivePartition(callbackToken, 4) });
    const reader = new DynamoDbCallbackMappings(db, table, { callbackIndexShards: 4 });
    const due: string[] = [];
    let after: PageCursor | undefined;
    do {
      const page = await reader.acceptedBefore(new Date(Date.now() + 60_000), 2, after);
      due.push(...page.tokens);
      after = page.next;
    } while (after !== undefined);
    expect(due).toContain(callbackToken);
  });

  it('refuses to start with a CALLBACK_INDEX_SHARDS it cannot use, naming it with whatever else is missing', async () => {
    const env = pythonWorkerEnv({ CALLBACK_TOKEN: 'a'.repeat(64), CALLBACK_TABLE_NAME: table, CALLBACK_INDEX_SHARDS: '0' });

    await expect(runPython({ action: 'report_success', output: {} }, env)).rejects.toThrow(
      /missing JOB_ID.*; CALLBACK_INDEX_SHARDS must be a whole number from 1 to 256, got '0'/,
    );
  });

  it('with TASK_TOKEN in user-data (opt-in) it reports straight to Step Functions; a second report is told the task is gone', async () => {
    const taskToken = sfn.engine.startTask({ timeoutSeconds: 3600 });
    const env = pythonWorkerEnv({ JOB_ID: 'job-opt-in', TASK_TOKEN: taskToken, AWS_ENDPOINT_URL_SFN: sfn.endpoint });

    const answers = await runSteps(
      [{ action: 'heartbeat' }, { action: 'report_success', output: { status: 'completed' } }, { action: 'report_success', output: {} }],
      env,
    );

    expect(answers).toEqual([{ answer: 'Sent' }, { answer: 'Resumed' }, { raised: 'WorkflowGone', reason: 'TaskTimedOut' }]);
    expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'succeeded' });
  });

  describe('a resume whose answer was lost (issue 17)', () => {
    // The SendTask reached Step Functions and took effect, but its answer did not come back: botocore
    // retries, and the retry finds the token closed by that first attempt (TaskTimedOut). Two
    // SendTask calls reach the engine; the first resumed the task, the second was refused.
    const LOST = /WARNING Step Functions answer was lost; the retry found the token closed: taken as resumed/;

    it.each([
      // hold_seconds 0: were the report wrongly Accepted, it would answer at once instead of holding.
      ['dropped connection', 'reset', { hold_seconds: 0 }],
      // The read timeout also bounds DynamoDB Local's answers here: short, but not tight on a loaded machine.
      ['answer after the read timeout', 'late', { hold_seconds: 0, sfn_read_timeout: 1.5 }],
    ] as const)('a success whose answer was lost (%s) is Resumed: COMPLETED, one resume, a warning', async (_, how, options) => {
      const { taskToken, env, callbackToken } = await launchRenderer(`job-lost-${how}`);
      sfn.loseAnswers(1, how);
      const output = { job_id: `job-lost-${how}`, status: 'completed' };

      const run = drivePython({ action: 'report_success', output, options }, env);

      expect(await run.result, run.stderr()).toEqual({ answer: 'Resumed' });
      expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'succeeded', output: JSON.stringify(output) });
      expect(sendTaskCalls(taskToken)).toBe(2);
      expect(await item(callbackToken)).toMatchObject({ status: { S: 'COMPLETED' } });
      expect((await item(callbackToken))['gone_reason']).toBeUndefined();
      expect(run.stderr()).toMatch(LOST);
    });

    it('a failure whose answer was lost is Resumed: FAILED under its error name', async () => {
      const { taskToken, env, callbackToken } = await launchRenderer('job-lost-failure');
      sfn.loseAnswers(1, 'reset');

      const run = drivePython({ action: 'report_failure', error: 'RenderError', cause: 'ffmpeg exited 1', options: { hold_seconds: 0 } }, env);

      expect(await run.result, run.stderr()).toEqual({ answer: 'Resumed' });
      expect(sfn.engine.task(taskToken)).toMatchObject({ state: 'failed', error: 'RenderError' });
      expect(await item(callbackToken)).toMatchObject({ status: { S: 'FAILED' } });
      expect(run.stderr()).toMatch(LOST);
    });

    it('a throttled attempt proves nothing was applied: a token already closed stays gone (EXPIRED, WorkflowGone)', async () => {
      const { taskToken, env, callbackToken } = await launchRenderer('job-throttled-gone');
      (await sfn.engine.fail(taskToken, 'States.Timeout', 'the execution stopped waiting'))._unsafeUnwrap();
      sfn.throttleNext(1);

      const run = drivePython({ action: 'report_success', output: {}, options: { hold_seconds: 0 } }, env);

      expect(await run.result, run.stderr()).toEqual({ raised: 'WorkflowGone', reason: 'TaskTimedOut' });
      expect(sendTaskCalls(taskToken)).toBe(2);
      expect(await item(callbackToken)).toMatchObject({ status: { S: 'EXPIRED' }, gone_reason: { S: 'TaskTimedOut' } });
      expect(run.stderr()).not.toMatch(LOST);
    });

    it('a heartbeat cannot close a token: its lost answer then TaskTimedOut stays WorkflowGone', async () => {
      const { taskToken, env } = await launchRenderer('job-beat-lost');
      (await sfn.engine.fail(taskToken, 'States.Timeout', 'the execution stopped waiting'))._unsafeUnwrap();
      sfn.loseAnswers(1, 'reset');
      const beats = () => sfn.requests.filter((r) => r.operation === 'SendTaskHeartbeat' && r.input['taskToken'] === taskToken).length;

      const run = drivePython({ action: 'heartbeat' }, env);

      expect(await run.result, run.stderr()).toEqual({ raised: 'WorkflowGone', reason: 'TaskTimedOut' });
      expect(beats()).toBe(2);
      expect(run.stderr()).not.toMatch(LOST);
    });

    it('with TASK_TOKEN, a lost answer is Resumed too — also when botocore gave up and the worker\'s own retry found the token closed', async () => {
      const [single, exhausted] = [sfn.engine.startTask({ timeoutSeconds: 3600 }), sfn.engine.startTask({ timeoutSeconds: 3600 })];
      const env = (taskToken: string) => pythonWorkerEnv({ JOB_ID: 'job-opt-in-lost', TASK_TOKEN: taskToken, AWS_ENDPOINT_URL_SFN: sfn.endpoint });

      sfn.loseAnswers(1, 'reset');
      const first = drivePython({ action: 'report_success', output: { n: 1 } }, env(single));
      expect(await first.result, first.stderr()).toEqual({ answer: 'Resumed' });
      sfn.loseAnswers(1, 'reset');
      const second = drivePython(
        { action: 'report_failure', error: 'RenderError', cause: 'x', options: { sfn_max_attempts: 1, first_retry_delay: 0.01 } },
        env(exhausted),
      );
      expect(await second.result, second.stderr()).toEqual({ answer: 'Resumed' });

      expect(sfn.engine.task(single)).toMatchObject({ state: 'succeeded', output: '{"n":1}' });
      expect(sfn.engine.task(exhausted)).toMatchObject({ state: 'failed', error: 'RenderError' });
      expect([sendTaskCalls(single), sendTaskCalls(exhausted)]).toEqual([2, 2]);
      expect(first.stderr()).toMatch(LOST);
      expect(second.stderr()).toMatch(LOST);
    });
  });
});
