import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { InMemoryErrorNotifications } from '../../adapters/memory/InMemoryErrorNotifications.js';
import { InMemoryGpuJobs } from '../../adapters/memory/InMemoryGpuJobs.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemoryPresignedUrls } from '../../adapters/memory/InMemoryPresignedUrls.js';
import { InMemoryStepFunctions } from '../../adapters/memory/InMemoryStepFunctions.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { SequentialIds } from '../../adapters/memory/SequentialIds.js';
import { CompleteCallback } from '../../application/callbacks/CompleteCallback.js';
import { ResumeCallback } from '../../application/callbacks/ResumeCallback.js';
import type { TaskTokens } from '../../application/ports/TaskTokens.js';
import { UpdateJobStatus } from '../../application/jobs/UpdateJobStatus.js';
import { HandlePipelineError } from '../../application/pipeline/HandlePipelineError.js';
import { HandleRunPodWebhook } from '../../application/runpod/HandleRunPodWebhook.js';
import { SubmitRunPodJob } from '../../application/runpod/SubmitRunPodJob.js';
import { handleErrorHandler } from '../../entrypoints/handlers/handleError.js';
import { runPodWebhookHandler } from '../../entrypoints/handlers/runPodWebhook.js';
import { submitRunPodJobHandler } from '../../entrypoints/handlers/submitRunPodJob.js';
import { httpApiEvent } from '../support/apiGatewayEvents.js';

export const UPSCALE_PIPELINE_FILE = resolve(import.meta.dirname, '../../pipelines/upscale-pipeline.asl.json');
export const UPSCALE_ARN_PARAMETERS = ['SplitVideoFunctionArn', 'SubmitRunPodJobFunctionArn', 'AssembleVideoFunctionArn', 'HandleErrorFunctionArn'] as const;

/** The definition with `${…}` substituted, as CloudFormation/SAM `DefinitionSubstitutions` do. */
export function upscaleDefinition(): Record<string, any> {
  const text = readFileSync(UPSCALE_PIPELINE_FILE, 'utf8').replace(
    /\$\{(\w+)\}/g,
    (_, name: string) => `arn:aws:lambda:us-east-1:123456789012:function:upscale-${name.replace(/FunctionArn$/, '')}`,
  );
  return JSON.parse(text);
}

type Json = any;

/** What RunPod does with one job: report an outcome (once, or twice), or never report (the job died). */
export type RunPodBehaviour =
  | { readonly status: 'COMPLETED'; readonly output?: Json; readonly duplicate?: boolean }
  | { readonly status: 'FAILED' | 'CANCELLED' | 'TIMED_OUT'; readonly error: string }
  | { readonly status: 'lost' };

const CONTEXT_TOKEN = 'local-task-token';
const EXECUTION_NAME = 'upscale-exec-1';

/**
 * The upscaling pipeline on one machine: aws-local-stepfunctions runs the ASL; `submit-runpod-job`
 * and `handle-error` are our real handlers on in-memory adapters; RunPod is InMemoryGpuJobs whose
 * jobs post their webhook through the real `runpod-webhook` handler (API Gateway v2 events); the
 * splitter and assembler (the user's functions) are stubs. A `.waitForTaskToken` state starts a
 * waiting task in InMemoryStepFunctions, passes its token to the handler and waits for the webhook
 * to resume it, as Step Functions does.
 */
export function upscaleHarness() {
  const definition = upscaleDefinition();
  const task = definition.States.UpscaleSegments.ItemProcessor.States.SubmitRunPodJob;
  const clock = new ManualClock('2026-01-06T12:00:00Z');
  const log = new RecordingLog();
  const metrics = new InMemoryMetrics();
  const sfn = new InMemoryStepFunctions(clock);
  const mappings = new InMemoryCallbackMappings();
  const gpuJobs = new InMemoryGpuJobs();
  const jobs = new InMemoryJobs();
  const calls: { state: string; input: Json }[] = [];
  const webhookStatuses: number[] = [];
  /** How RunPod treats the n-th job submitted (default: completes). */
  const behaviours: RunPodBehaviour[] = [];
  let segmentCount = 3;
  let splitOverride: Json[] | undefined;
  let inFlight = 0;
  let maxInFlight = 0;

  // A `.waitForTaskToken` state sleeps until a task may have settled (a webhook resumed it, or a
  // dead job let its HeartbeatSeconds pass): no polling, so no timing to get wrong.
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
  const resumeCallback = new ResumeCallback({ mappings, taskTokens, clock, log, metrics });
  const completeCallback = new CompleteCallback({ mappings, resumeCallback, clock, log, metrics });
  const webhook = runPodWebhookHandler(new HandleRunPodWebhook({ completeCallback, log }), log);
  const submit = submitRunPodJobHandler(
    new SubmitRunPodJob(
      { mappings, presignedUrls: new InMemoryPresignedUrls(), gpuJobs, ids: new SequentialIds('c0ffee'), clock, log, metrics },
      { webhookBaseUrl: 'https://api.example.com/webhook/', defaultPresignExpiresSecs: 21_600 },
    ),
  );

  /** Webhook deliveries in flight; a run ends only when RunPod has nothing left to deliver. */
  const deliveries = new Set<Promise<void>>();
  const post = async (url: string, body: Json) => {
    const token = url.split('/').at(-1)!;
    const response = await webhook(
      httpApiEvent({ method: 'POST', path: `/webhook/${token}`, pathParameters: { callback_token: token }, body: JSON.stringify(body) }),
    );
    webhookStatuses.push(response.statusCode);
  };

  // RunPod works after /run answered, then posts the webhook (twice, when it redelivers).
  let submitted = 0;
  gpuJobs.onSubmit = (job) => {
    const behaviour = behaviours[submitted] ?? { status: 'COMPLETED' };
    submitted += 1;
    let delivered: () => void = () => undefined;
    const delivery = new Promise<void>((resolve) => (delivered = resolve));
    deliveries.add(delivery);
    // A failed delivery stays an unhandled rejection on purpose: vitest fails the test that caused it.
    setImmediate(() => void deliver().finally(delivered));
    const deliver = async () => {
      switch (behaviour.status) {
        case 'lost':
          // No webhook, and no runpod-reconcile heartbeats: HeartbeatSeconds passes.
          clock.advanceSeconds(task.HeartbeatSeconds + 1);
          taskMayHaveSettled();
          return;
        case 'COMPLETED': {
          const body = { id: job.id, status: 'COMPLETED', output: behaviour.output ?? { message: 'Video upscaled successfully' } };
          await Promise.all(behaviour.duplicate ? [post(job.request.webhook, body), post(job.request.webhook, body)] : [post(job.request.webhook, body)]);
          return;
        }
        default:
          await post(job.request.webhook, { id: job.id, status: behaviour.status, error: behaviour.error });
      }
    };
  };
  const invoke = (state: string, handler: (payload: Json) => Promise<unknown>) => async (input: Json) => {
    calls.push({ state, input: input.Payload });
    return { Payload: await handler(input.Payload) };
  };

  const submitRunPodJob = async (input: Json) => {
    calls.push({ state: 'SubmitRunPodJob', input: input.Payload });
    if (input.Payload.task_token !== CONTEXT_TOKEN) throw new Error('SubmitRunPodJob did not pass $$.Task.Token');
    const taskToken = sfn.startTask({ execution: EXECUTION_NAME, timeoutSeconds: task.TimeoutSeconds, heartbeatSeconds: task.HeartbeatSeconds });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await submit({ ...input.Payload, task_token: taskToken });
      for (;;) {
        const t = sfn.task(taskToken)!;
        if (t.state === 'succeeded') return JSON.parse(t.output!);
        if (t.state === 'failed') throw Object.assign(new Error(t.cause), { name: t.error });
        if (t.state === 'timedOut') {
          const late = (deadline: number | undefined) => deadline !== undefined && clock.now().getTime() > deadline;
          const name = late(t.heartbeatDeadline) && !late(t.deadline) ? 'States.HeartbeatTimeout' : 'States.Timeout';
          throw Object.assign(new Error('task timed out'), { name });
        }
        await nextSettlement();
      }
    } finally {
      inFlight -= 1;
    }
  };

  const handlers = {
    SplitVideo: invoke('SplitVideo', async ({ exec_id }) => ({
      segments: splitOverride ?? Array.from({ length: segmentCount }, (_, i) => {
        const filename = `seg_${String(i + 1).padStart(4, '0')}.mp4`;
        return { filename, input_key: `runs/${exec_id}/raw/${filename}`, output_key: `runs/${exec_id}/upscaled/${filename}` };
      }),
    })),
    SubmitRunPodJob: submitRunPodJob,
    AssembleVideo: invoke('AssembleVideo', async ({ exec_id, segments }) => ({ video_key: `runs/${exec_id}/final.mp4`, segments: segments.length })),
    HandleError: invoke(
      'HandleError',
      handleErrorHandler(
        new HandlePipelineError({
          jobs,
          updateJobStatus: new UpdateJobStatus({ jobs, clock, log, metrics }),
          errorNotifications: new InMemoryErrorNotifications(),
          clock,
          log,
          metrics,
        }),
      ),
    ),
  };

  async function run(input: Json = { bucket: 'my-bucket', input_key: 'uploads/video.mp4', params: { model: '7b', resolution: 1080 } }) {
    // Validated once by its own test; validating on every run costs more than the run.
    const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
    const execution = machine.run(input, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: { SplitVideo: 0, SubmitRunPodJob: 0, AssembleVideo: 0, HandleError: 0 } },
      context: {
        Execution: { Id: `arn:aws:states:us-east-1:123456789012:execution:upscale-pipeline:${EXECUTION_NAME}`, Name: EXECUTION_NAME },
        Task: { Token: CONTEXT_TOKEN },
      },
    });
    try {
      return { status: 'SUCCEEDED' as const, output: (await execution.result) as Json };
    } catch (error) {
      const failure = (error as Error).cause instanceof Error ? ((error as Error).cause as Error) : (error as Error);
      return { status: 'FAILED' as const, error: failure.name, cause: failure.message };
    } finally {
      await Promise.all(deliveries);
    }
  }

  return {
    definition,
    clock,
    sfn,
    mappings,
    gpuJobs,
    jobs,
    calls,
    behaviours,
    webhookStatuses,
    run,
    states: () => calls.map((c) => c.state),
    maxInFlight: () => maxInFlight,
    setSegments: (n: number) => {
      segmentCount = n;
    },
    /** What the splitter returns instead of `n` well-formed segments. */
    splitInto: (segments: Json[]) => {
      splitOverride = segments;
    },
    /** Replaces a user function's stub (the splitter or the assembler). */
    replace: (state: 'SplitVideo' | 'AssembleVideo', handler: (payload: Json) => Promise<unknown>) => {
      handlers[state] = invoke(state, handler);
    },
  };
}
