import { randomUUID } from 'node:crypto';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemorySpotInstances } from '../../adapters/memory/InMemorySpotInstances.js';
import { InMemoryStepFunctions } from '../../adapters/memory/InMemoryStepFunctions.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { CryptoIds } from '../../adapters/system/CryptoIds.js';
import { LaunchWorker } from '../../application/launch/LaunchWorker.js';
import type { CallbackMappings } from '../../application/ports/CallbackMappings.js';
import type { WorkerHost } from '../../application/ports/WorkerHost.js';
import { readWorkerEnvironment } from '../../domain/launch/userDataScript.js';
import type { WorkerRole } from '../../domain/launch/WorkerRole.js';
import { createWorker } from '../../entrypoints/worker/createWorker.js';
import type { Worker } from '../../entrypoints/worker/Worker.js';
import { aLaunchSettings } from '../launch/builders.js';

/**
 * The Spot flow on one machine: Step Functions starts a waiting task, LaunchWorker launches an
 * in-memory instance, and the "instance" builds its Worker from nothing but its user-data.
 */
export function spotFlow<M extends CallbackMappings = InMemoryCallbackMappings>(
  options: { role?: WorkerRole; mappings?: M; optIn?: boolean } = {},
) {
  const clock = new ManualClock('2026-02-07T10:00:00Z');
  const sfn = new InMemoryStepFunctions(clock, randomUUID().slice(0, 8));
  const mappings = (options.mappings ?? new InMemoryCallbackMappings()) as M;
  const spot = new InMemorySpotInstances();
  const log = new RecordingLog();
  const metrics = new InMemoryMetrics();
  const role = options.role ?? 'uploader';
  const launch = new LaunchWorker(
    {
      reportChannel: options.optIn ? { kind: 'taskTokenInUserData' } : { kind: 'callbacksTable', tableName: 'baton-callbacks', mappings },
      spotInstances: spot,
      ids: new CryptoIds(),
      clock,
      log,
      metrics,
    },
    aLaunchSettings({ role }),
  );

  /** The worker process on the n-th launched instance, configured from its user-data alone. */
  function workerOn(index = 0, host?: WorkerHost): Worker {
    const env = readWorkerEnvironment(spot.instances[index]!.request.userData);
    const callbackToken = env.get('CALLBACK_TOKEN');
    return createWorker({
      jobId: env.get('JOB_ID')!,
      role: env.get('WORKER_ROLE') as WorkerRole,
      access:
        callbackToken === undefined
          ? { kind: 'taskToken', taskToken: env.get('TASK_TOKEN')! }
          : { kind: 'callback', callbackToken, mappings },
      taskTokens: sfn,
      clock,
      log,
      metrics,
      retry: { attempts: 3, firstDelayMs: 1 },
      ...(host ? { host } : {}),
    });
  }

  async function startJob(jobId = 'job-abc123', task: { timeoutSeconds?: number; heartbeatSeconds?: number } = {}) {
    const taskToken = sfn.startTask({ timeoutSeconds: 3600, heartbeatSeconds: 300, ...task });
    (await launch.execute({ job_id: jobId, task_token: taskToken }))._unsafeUnwrap();
    return taskToken;
  }

  return { clock, sfn, mappings, spot, log, metrics, launch, workerOn, startJob };
}
