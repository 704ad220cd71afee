import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { InMemoryDailyCounters } from '../../adapters/memory/InMemoryDailyCounters.js';
import { InMemoryErrorNotifications } from '../../adapters/memory/InMemoryErrorNotifications.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemoryRunArtifacts } from '../../adapters/memory/InMemoryRunArtifacts.js';
import { InMemorySpotInstances, type SpotInstance } from '../../adapters/memory/InMemorySpotInstances.js';
import { InMemoryStepFunctions } from '../../adapters/memory/InMemoryStepFunctions.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { CryptoIds } from '../../adapters/system/CryptoIds.js';
import { CleanupArtifacts } from '../../application/cleanup/CleanupArtifacts.js';
import { UpdateJobStatus } from '../../application/jobs/UpdateJobStatus.js';
import { LaunchWorker } from '../../application/launch/LaunchWorker.js';
import type { TaskTokens } from '../../application/ports/TaskTokens.js';
import { HandlePipelineError } from '../../application/pipeline/HandlePipelineError.js';
import type { CallbackMappings } from '../../application/ports/CallbackMappings.js';
import { ReleaseQuota } from '../../application/quota/ReleaseQuota.js';
import { ReserveQuota } from '../../application/quota/ReserveQuota.js';
import { readWorkerEnvironment } from '../../domain/launch/userDataScript.js';
import type { WorkerRole } from '../../domain/launch/WorkerRole.js';
import { cleanupHandler } from '../../entrypoints/handlers/cleanup.js';
import { handleErrorHandler } from '../../entrypoints/handlers/handleError.js';
import { launchWorkerHandler } from '../../entrypoints/handlers/launchWorker.js';
import { releaseQuotaHandler } from '../../entrypoints/handlers/releaseQuota.js';
import { reserveQuotaHandler } from '../../entrypoints/handlers/reserveQuota.js';
import { createWorker } from '../../entrypoints/worker/createWorker.js';
import { runWorker, type WorkerContext } from '../../entrypoints/worker/runWorker.js';
import { aLaunchSettings } from '../launch/builders.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const PIPELINE_FILE = resolve(ROOT, 'pipelines/manga-pipeline.asl.json');

export const FUNCTION_ARN_PARAMETERS = [
  'ReserveQuotaFunctionArn',
  'ReleaseQuotaFunctionArn',
  'FetcherFunctionArn',
  'ScriptGenFunctionArn',
  'TtsGenFunctionArn',
  'StartRendererFunctionArn',
  'StartUploaderFunctionArn',
  'CleanupFunctionArn',
  'HandleErrorFunctionArn',
] as const;

/** The definition with `${…}` substituted, as CloudFormation/SAM `DefinitionSubstitutions` do. */
export function pipelineDefinition(arns: Partial<Record<(typeof FUNCTION_ARN_PARAMETERS)[number], string>> = {}): Record<string, any> {
  const text = readFileSync(PIPELINE_FILE, 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) => {
    return arns[name as keyof typeof arns] ?? `arn:aws:lambda:us-east-1:123456789012:function:manga-pipeline-${name.replace(/FunctionArn$/, '')}`;
  });
  return JSON.parse(text);
}

type Work = (context: WorkerContext) => Promise<Readonly<Record<string, unknown>> | void>;
type Json = any;

const CONTEXT_TOKEN = 'local-task-token';
const EXECUTION_NAME = 'exec-local-1';

/**
 * The manga pipeline on one machine: the ASL run by aws-local-stepfunctions, each Task state
 * backed by our real handlers and use-cases on in-memory adapters (or a real callbacks table), and
 * the user's own Lambdas (fetch, script, TTS) by stubs. aws-local-stepfunctions has no task tokens, so a
 * `.waitForTaskToken` state here does what Step Functions does: it starts a waiting task in
 * the in-memory engine, invokes the launcher with that token, and waits until the Spot
 * "instance" (a worker built from its user-data alone) resumes it.
 */
export interface PipelineHarnessOptions<M extends CallbackMappings> {
  /** The callbacks table (in memory by default) and its name in user-data. */
  readonly mappings?: M;
  readonly callbackTableName?: string;
  /**
   * Roles whose instances run a real process: `bash -c "$WORKER_COMMAND"` from the user-data, in
   * `cwd`, with the user-data's variables plus `env` (endpoints of engines the process can reach).
   */
  readonly processes?: { readonly roles: readonly WorkerRole[]; readonly cwd: string; readonly env: Record<string, string> };
  /** The engine behind `.waitForTaskToken` (serve it over HTTP for worker processes). */
  readonly sfn?: InMemoryStepFunctions;
  readonly clock?: ManualClock;
  /** The counters table, shared by several executions to race them for the day's quota. */
  readonly counters?: InMemoryDailyCounters;
}

export function pipelineHarness<M extends CallbackMappings = InMemoryCallbackMappings>(options: PipelineHarnessOptions<M> = {}) {
  const definition = pipelineDefinition();
  const clock = options.clock ?? new ManualClock('2026-02-07T10:00:00Z');
  const log = new RecordingLog();
  const metrics = new InMemoryMetrics();
  const sfn = options.sfn ?? new InMemoryStepFunctions(clock);
  const mappings = (options.mappings ?? new InMemoryCallbackMappings()) as M;
  const spot = new InMemorySpotInstances();
  const counters = options.counters ?? new InMemoryDailyCounters();
  const jobs = new InMemoryJobs();
  const notifications = new InMemoryErrorNotifications();
  const artifacts = new InMemoryRunArtifacts();
  const calls: { state: string; input: Json }[] = [];

  // A `.waitForTaskToken` state sleeps until a task may have settled: a worker resumed it, or
  // a lost instance let its HeartbeatSeconds pass. No polling, so no timing to get wrong.
  const sleepers = new Set<() => void>();
  const taskMayHaveSettled = () => {
    for (const wake of sleepers) wake();
    sleepers.clear();
  };
  const nextSettlement = () => new Promise<void>((resolve) => sleepers.add(resolve));
  const taskTokens: TaskTokens = {
    succeed: (token, output) => sfn.succeed(token, output).andTee(taskMayHaveSettled).orTee(taskMayHaveSettled),
    fail: (token, error, cause) => sfn.fail(token, error, cause).andTee(taskMayHaveSettled).orTee(taskMayHaveSettled),
    heartbeat: (token) => sfn.heartbeat(token),
  };
  const workers: Record<WorkerRole, Work> = {
    renderer: async ({ jobId }) => ({ video_key: `runs/${jobId}/video.mp4` }),
    uploader: async () => ({ youtube_url: 'https://youtu.be/abc123' }),
  };
  /** Roles whose instances vanish (a Spot interruption before the worker starts): nobody ever reports. */
  const lost = new Set<WorkerRole>();
  let fetched: Json = { status: 'success', job_id: 'job-abc123', manga_id: 'manga-456', manga_title: 'Sample Manga' };
  /** What ttsgen returns as `continuation_token` call after call (then null). */
  const ttsContinuations: (string | null)[] = [];
  /** Worker processes started (with `processes`), and what each wrote to stdout and stderr. */
  const processOutput: string[] = [];

  const launcher = (role: WorkerRole) =>
    launchWorkerHandler(
      new LaunchWorker(
        {
          reportChannel: { kind: 'callbacksTable', tableName: options.callbackTableName ?? 'baton-callbacks', mappings },
          spotInstances: spot,
          ids: new CryptoIds(),
          clock,
          log,
          metrics,
        },
        aLaunchSettings({ role }),
      ),
    );

  // The instance boots after the launcher returns, and runs the worker from its user-data.
  spot.onLaunch((instance: SpotInstance) => {
    setImmediate(() => {
      const env = readWorkerEnvironment(instance.request.userData);
      const role = env.get('WORKER_ROLE') as WorkerRole;
      if (options.processes?.roles.includes(role)) {
        const run = spawn('bash', ['-c', 'exec bash -c "$WORKER_COMMAND"'], {
          cwd: options.processes.cwd,
          env: { ...Object.fromEntries(env), ...options.processes.env },
        });
        let output = '';
        run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        // It resumed Step Functions over the wire, past `taskTokens`: wake the waiting state when it ends.
        run.on('close', (code) => {
          processOutput.push(`${role} exited ${code}\n${output}`);
          taskMayHaveSettled();
        });
        return;
      }
      if (lost.has(role)) {
        // No heartbeat for longer than the state's HeartbeatSeconds.
        clock.advanceSeconds(definition.States[role === 'renderer' ? 'StartRenderer' : 'StartUploader'].HeartbeatSeconds + 1);
        taskMayHaveSettled();
        return;
      }
      const worker = createWorker({
        jobId: env.get('JOB_ID')!,
        role,
        access: { kind: 'callback', callbackToken: env.get('CALLBACK_TOKEN')!, mappings },
        taskTokens,
        clock,
        log,
        metrics,
      });
      void runWorker(worker, workers[role], { heartbeatIntervalMs: 50 });
    });
  });

  /** A `lambda:invoke` state: the handler gets the Payload and its result comes back as `Payload`. */
  const invoke = (state: string, handler: (payload: Json) => Promise<unknown>) => async (input: Json) => {
    calls.push({ state, input: input.Payload });
    return { Payload: await handler(input.Payload) };
  };

  /** A `lambda:invoke.waitForTaskToken` state, as Step Functions runs it. */
  const waitForTaskToken = (state: string, launch: (event: unknown) => Promise<unknown>) =>
    async (input: Json) => {
      calls.push({ state, input: input.Payload });
      if (input.Payload.task_token !== CONTEXT_TOKEN) throw new Error(`${state} did not pass $$.Task.Token`);
      const { TimeoutSeconds, HeartbeatSeconds } = definition.States[state];
      const taskToken = sfn.startTask({ execution: EXECUTION_NAME, timeoutSeconds: TimeoutSeconds, heartbeatSeconds: HeartbeatSeconds });
      await launch({ ...input.Payload, task_token: taskToken });
      for (;;) {
        const task = sfn.task(taskToken)!;
        if (task.state === 'succeeded') return JSON.parse(task.output!);
        if (task.state === 'failed') throw Object.assign(new Error(task.cause), { name: task.error });
        if (task.state === 'timedOut') {
          const late = (deadline: number | undefined) => deadline !== undefined && clock.now().getTime() > deadline;
          const name = late(task.heartbeatDeadline) && !late(task.deadline) ? 'States.HeartbeatTimeout' : 'States.Timeout';
          throw Object.assign(new Error('task timed out'), { name });
        }
        await nextSettlement();
      }
    };

  const release = releaseQuotaHandler(new ReleaseQuota({ counters, clock, log, metrics }));
  const handlers = {
    ReserveQuota: invoke('ReserveQuota', reserveQuotaHandler(new ReserveQuota({ counters, clock, log, metrics }, { dailyQuota: 10 }))),
    FetchManga: invoke('FetchManga', async () => fetched),
    ReleaseUnusedQuota: invoke('ReleaseUnusedQuota', release),
    GenerateScript: invoke('GenerateScript', async ({ job_id }) => ({ job_id, script_generated: true, segment_count: 45 })),
    GenerateTTS: invoke('GenerateTTS', async ({ job_id }) => ({
      job_id,
      audio_generated: true,
      segment_count: 45,
      continuation_token: ttsContinuations.shift() ?? null,
    })),
    StartRenderer: waitForTaskToken('StartRenderer', launcher('renderer')),
    StartUploader: waitForTaskToken('StartUploader', launcher('uploader')),
    Cleanup: invoke('Cleanup', cleanupHandler(new CleanupArtifacts({ artifacts, log, metrics }))),
    HandleError: invoke(
      'HandleError',
      handleErrorHandler(
        new HandlePipelineError({
          jobs,
          updateJobStatus: new UpdateJobStatus({ jobs, clock, log, metrics }),
          errorNotifications: notifications,
          clock,
          log,
          metrics,
        }),
      ),
    ),
    ReleaseQuotaAfterFailure: invoke('ReleaseQuotaAfterFailure', release),
  };

  async function run(input: Json = {}, executionName = EXECUTION_NAME) {
    // Validated once by its own test; validating on every run costs more than the run.
    const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
    const execution = machine.run(input, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((s) => [s, 0])) },
      context: {
        Execution: { Id: `arn:aws:states:us-east-1:123456789012:execution:manga-pipeline:${executionName}`, Name: executionName },
        Task: { Token: CONTEXT_TOKEN },
      },
    });
    try {
      return { status: 'SUCCEEDED' as const, output: await execution.result };
    } catch (error) {
      // aws-local-stepfunctions wraps the execution's error (a Fail state's Error/Cause) in ExecutionError.
      const failure = (error as Error).cause instanceof Error ? ((error as Error).cause as Error) : (error as Error);
      return { status: 'FAILED' as const, error: failure.name, cause: failure.message };
    }
  }

  return {
    clock,
    log,
    sfn,
    mappings,
    spot,
    counters,
    jobs,
    artifacts,
    calls,
    workers,
    lost,
    ttsContinuations,
    processOutput,
    run,
    states: () => calls.map((c) => c.state),
    setFetched: (value: Json) => {
      fetched = value;
    },
  };
}
