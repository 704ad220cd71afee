import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { InMemoryGpuJobs } from '../../adapters/memory/InMemoryGpuJobs.js';
import { InMemoryPresignedUrls } from '../../adapters/memory/InMemoryPresignedUrls.js';
import { InMemoryStepFunctions } from '../../adapters/memory/InMemoryStepFunctions.js';
import type { CallbackMappings } from '../../application/ports/CallbackMappings.js';
import { Callbacks, callbackPortsModule, callbackUseCasesModule } from '../../entrypoints/container/callbacksModule.js';
import { newContainer } from '../../entrypoints/container/newContainer.js';
import { platformModule } from '../../entrypoints/container/platformModule.js';
import { callbackRedriveHandler } from '../../entrypoints/handlers/callbackRedrive.js';
import { runPodWebhookHandler } from '../../entrypoints/handlers/runPodWebhook.js';
import { submitRunPodJobHandler } from '../../entrypoints/handlers/submitRunPodJob.js';
import { errorResponse, json, parseJsonBody } from '../../entrypoints/http/apiGateway.js';
import type { DevContext, DevRoutes } from './DevContext.js';
import { RecordingCallbackMappings } from './recording/RecordingCallbackMappings.js';

export interface CallbackRoutesOptions {
  /** The callbacks store; in memory unless the server runs on DynamoDB Local. */
  readonly mappings?: CallbackMappings;
  /** How long a simulated RunPod job takes when `/dev/runpod-jobs` does not say. */
  readonly defaultRunPodSeconds?: number;
  /** The redrive's REDRIVE_AFTER_SECONDS; short by default so a person sees it act. */
  readonly redriveAfterSeconds?: number;
}

interface DevExecution {
  readonly execution: string;
  readonly token: string;
  readonly startedAt: string;
  callbackToken?: string;
  jobId?: string;
  webhookUrl?: string;
}

const RUNPOD_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

/**
 * The callback flow on localhost: `POST /webhook/{callback_token}` served by the real
 * `runpod-webhook` handler, plus helpers that play Step Functions and RunPod so a person can
 * watch a callback resume a waiting execution:
 *
 * - `POST /dev/runpod-jobs`: a Step Functions task starts waiting and the real
 *   `submit-runpod-job` handler submits it; a simulated RunPod posts the webhook back after
 *   a few seconds (or never, with `"runpod": null`, for you to post it with curl).
 * - `GET /dev/executions[/{execution}]`: what each waiting task has become.
 * - `POST /dev/redrive`: run the real `callback-redrive` handler now (it also runs every 15 s).
 * - `POST /dev/outage`: Step Functions refuses every call for `{"seconds": N}`; `DELETE /dev/outage` ends it.
 *
 * Mappings are recorded as they change (`RecordingCallbackMappings`), so each execution shows
 * its mapping's story: PENDING, the claim, duplicates refused, the redrive's leases.
 */
export function callbackRoutes(ctx: DevContext, options: CallbackRoutesOptions = {}): DevRoutes {
  const sfn = new InMemoryStepFunctions(ctx.clock);
  const gpuJobs = new InMemoryGpuJobs();
  const mappings = new RecordingCallbackMappings(options.mappings ?? new InMemoryCallbackMappings(), ctx.clock);
  const redriveAfterSeconds = options.redriveAfterSeconds ?? 10;
  const container = newContainer();
  container.load(
    platformModule({ clock: ctx.clock, ids: ctx.ids, log: ctx.log, metrics: ctx.metrics }),
    callbackPortsModule({ mappings, taskTokens: sfn, gpuJobs, presignedUrls: new InMemoryPresignedUrls() }),
    callbackUseCasesModule({
      submit: {
        webhookBaseUrl: `${ctx.baseUrl}/webhook/`,
        defaultBucket: 'dev-bucket',
        defaultPresignExpiresSecs: 21600,
        defaultPolicy: { executionTimeout: 3600_000 },
      },
      redrive: { redriveAfterSeconds, leaseSeconds: 30, pageSize: 100, maxPages: 10 },
    }),
  );
  const submit = submitRunPodJobHandler(container.get(Callbacks.SubmitRunPodJob));
  const webhook = runPodWebhookHandler(container.get(Callbacks.HandleRunPodWebhook), ctx.log);
  const redrive = callbackRedriveHandler(container.get(Callbacks.RedriveCallbacks));
  const executions = new Map<string, DevExecution>();
  const timers = new Set<NodeJS.Timeout>();
  let outageTimer: NodeJS.Timeout | undefined;
  let outageUntil: string | undefined;
  let lastRedrive: { at: string; by: 'request' | 'schedule'; result: unknown } | undefined;
  const runRedrive = async (by: 'request' | 'schedule') => {
    const at = ctx.clock.now().toISOString();
    const result = await redrive({});
    lastRedrive = { at, by, result };
    return result;
  };
  const endOutage = () => {
    if (outageTimer) clearTimeout(outageTimer);
    outageTimer = undefined;
    outageUntil = undefined;
    sfn.setAvailable(true);
  };

  const later = (seconds: number, run: () => Promise<void>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run().catch((e: unknown) => ctx.log.error('Simulated RunPod delivery failed', { error: String(e) }));
    }, seconds * 1000);
    timer.unref();
    timers.add(timer);
  };

  const describe = async (e: DevExecution) => {
    const task = sfn.task(e.token);
    const mapping = e.callbackToken ? await mappings.find(e.callbackToken) : undefined;
    return {
      execution: e.execution,
      started_at: e.startedAt,
      state: task?.state ?? 'unknown',
      output: task?.output === undefined ? null : (JSON.parse(task.output) as unknown),
      error: task?.error ?? null,
      cause: task?.cause ?? null,
      resume_calls: task?.resumeCalls ?? 0,
      callback_token: e.callbackToken ?? null,
      callback_status: mapping?.status ?? null,
      job_id: e.jobId ?? null,
      webhook_url: e.webhookUrl ?? null,
      lease_until: e.callbackToken ? (mappings.leaseUntil(e.callbackToken) ?? null) : null,
      history: e.callbackToken ? mappings.history.of(e.callbackToken) : [],
    };
  };

  return {
    name: 'callbacks',
    routes: [
      { routeKey: 'POST /webhook/{callback_token}', handler: webhook },
      {
        routeKey: 'POST /dev/runpod-jobs',
        handler: async (event) => {
          const parsed = event.body ? parseJsonBody(event.body) : { ok: true as const, value: {} };
          if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
            return errorResponse(400, 'InvalidJson', 'the body must be a JSON object (or empty)');
          }
          const body = parsed.value as Record<string, unknown>;
          const n = executions.size + 1;
          const execution = typeof body.exec_id === 'string' && body.exec_id ? body.exec_id : `dev-exec-${n}`;
          const timeoutSeconds = typeof body.timeout_seconds === 'number' ? body.timeout_seconds : 3600;
          const token = sfn.startTask({ execution, timeoutSeconds });
          const record: DevExecution = { execution, token, startedAt: ctx.clock.now().toISOString() };
          executions.set(execution, record);
          const filename = `seg_${String(n).padStart(4, '0')}.mp4`;
          const input = {
            task_token: token,
            exec_id: execution,
            segment: body.segment ?? { filename, input_key: `runs/${execution}/raw/${filename}`, output_key: `runs/${execution}/upscaled/${filename}` },
            params: body.params ?? { model: '7b', resolution: 1080 },
            ...(body.bucket === undefined ? {} : { bucket: body.bucket }),
          };
          let out;
          try {
            out = await submit(input);
          } catch (error) {
            const e = error as Error;
            return errorResponse(e.name === 'InvalidInput' ? 400 : 502, e.name, e.message, { details: (error as { details?: unknown }).details });
          }
          record.callbackToken = out.callback_token;
          record.jobId = out.job_id;
          record.webhookUrl = out.webhook_url;
          const runpod = simulatedRunPod(body.runpod, options.defaultRunPodSeconds ?? 3);
          const report = runpod
            ? runpod.status === 'COMPLETED'
              ? { id: out.job_id, status: 'COMPLETED', delayTime: 120, executionTime: runpod.seconds * 1000, output: { message: 'Video upscaled successfully' } }
              : { id: out.job_id, status: runpod.status, delayTime: 120, executionTime: runpod.seconds * 1000, error: 'Simulated failure' }
            : { id: out.job_id, status: 'COMPLETED', output: { message: 'Video upscaled successfully' } };
          if (runpod) {
            later(runpod.seconds, async () => {
              await fetch(out.webhook_url, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'user-agent': 'RunPod-Webhook-Simulator' },
                body: JSON.stringify(report),
              });
            });
          }
          return json(201, {
            ...out,
            execution,
            state: 'waiting',
            execution_url: `${ctx.baseUrl}/dev/executions/${encodeURIComponent(execution)}`,
            simulated_runpod: runpod ? { status: runpod.status, webhook_in_seconds: runpod.seconds } : null,
            curl: `curl -X POST ${out.webhook_url} -H "Content-Type: application/json" -d '${JSON.stringify(report)}'`,
          });
        },
      },
      {
        routeKey: 'GET /dev/executions',
        handler: async () => json(200, { executions: await Promise.all([...executions.values()].map(describe)) }),
      },
      {
        routeKey: 'GET /dev/executions/{execution}',
        handler: async (event) => {
          const found = executions.get(event.pathParameters?.execution ?? '');
          return found ? json(200, await describe(found)) : errorResponse(404, 'ExecutionNotFound', 'no such execution');
        },
      },
      { routeKey: 'POST /dev/redrive', handler: async () => json(200, await runRedrive('request')) },
      {
        routeKey: 'POST /dev/outage',
        handler: async (event) => {
          const parsed = event.body ? parseJsonBody(event.body) : { ok: true as const, value: {} };
          const seconds = parsed.ok ? (parsed.value as { seconds?: unknown } | null)?.seconds ?? 30 : undefined;
          if (typeof seconds !== 'number' || !(seconds > 0) || seconds > 3600) {
            return errorResponse(400, 'InvalidRequest', 'expected {"seconds": N} with 0 < N ≤ 3600');
          }
          endOutage();
          sfn.setAvailable(false);
          outageUntil = new Date(ctx.clock.now().getTime() + seconds * 1000).toISOString();
          outageTimer = setTimeout(() => {
            endOutage();
            ctx.changed();
          }, seconds * 1000);
          outageTimer.unref();
          return json(200, { step_functions: 'unavailable', for_seconds: seconds, until: outageUntil });
        },
      },
      {
        routeKey: 'DELETE /dev/outage',
        handler: async () => {
          endOutage();
          return json(200, { step_functions: 'available' });
        },
      },
    ],
    tick: async () => {
      await runRedrive('schedule');
    },
    state: async () => ({
      step_functions: outageUntil ? { available: false, outage_until: outageUntil } : { available: true, outage_until: null },
      redrive: { after_seconds: redriveAfterSeconds, last_run: lastRedrive ?? null },
      executions: await Promise.all([...executions.values()].map(describe)),
    }),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      endOutage();
    },
  };
}

function simulatedRunPod(value: unknown, defaultSeconds: number): { status: string; seconds: number } | undefined {
  if (value === null || value === false) return undefined;
  const given = (typeof value === 'object' ? value : {}) as { status?: unknown; after_seconds?: unknown };
  const status = typeof given.status === 'string' && RUNPOD_STATUSES.includes(given.status) ? given.status : 'COMPLETED';
  const seconds = typeof given.after_seconds === 'number' && given.after_seconds >= 0 ? Math.min(given.after_seconds, 600) : defaultSeconds;
  return { status, seconds };
}
