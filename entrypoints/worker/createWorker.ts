import { CompleteCallback } from '../../application/callbacks/CompleteCallback.js';
import { ResumeCallback } from '../../application/callbacks/ResumeCallback.js';
import type { CallbackMappings } from '../../application/ports/CallbackMappings.js';
import type { Clock } from '../../application/ports/Clock.js';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import type { TaskTokens } from '../../application/ports/TaskTokens.js';
import type { WorkerHost } from '../../application/ports/WorkerHost.js';
import { ReportWorkerOutcome } from '../../application/worker/ReportWorkerOutcome.js';
import { SendWorkerHeartbeat } from '../../application/worker/SendWorkerHeartbeat.js';
import type { WorkerLink } from '../../application/worker/WorkerLink.js';
import type { WorkerRole } from '../../domain/launch/WorkerRole.js';
import { Worker, type ReportRetry } from './Worker.js';

export type WorkerAccess =
  /** The default: the callback token from user-data, and the callbacks table it points into. */
  | { readonly kind: 'callback'; readonly callbackToken: string; readonly mappings: CallbackMappings }
  /** Opt-in: the task token itself came in user-data. */
  | { readonly kind: 'taskToken'; readonly taskToken: string };

export interface WorkerParts {
  readonly jobId: string;
  readonly role?: WorkerRole;
  readonly access: WorkerAccess;
  readonly taskTokens: TaskTokens;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: Metrics;
  readonly heartbeatIntervalSeconds?: number;
  readonly retry?: ReportRetry;
  /** Stopped when the task is found gone (on EC2: `PowerOffWorkerHost`). */
  readonly host?: WorkerHost;
}

export const DEFAULT_HEARTBEAT_SECONDS = 60;

/**
 * A Worker on any adapters (in-memory ones in tests and the simulation). Reports through the
 * callbacks table go through CompleteCallback and ResumeCallback, the webhook's own use-cases.
 *
 * @example
 * const worker = createWorker({ jobId, access: { kind: 'callback', callbackToken, mappings }, taskTokens, clock, log, metrics });
 */
export function createWorker(parts: WorkerParts): Worker {
  const log = parts.log.with({ job_id: parts.jobId, ...(parts.role ? { role: parts.role } : {}) });
  const { access } = parts;
  const platform = { clock: parts.clock, log, metrics: parts.metrics };
  const link: WorkerLink =
    access.kind === 'taskToken'
      ? access
      : {
          kind: 'callback',
          callbackToken: access.callbackToken,
          mappings: access.mappings,
          complete: new CompleteCallback({
            mappings: access.mappings,
            resumeCallback: new ResumeCallback({ ...platform, mappings: access.mappings, taskTokens: parts.taskTokens }),
            ...platform,
          }),
        };
  return new Worker(
    parts.jobId,
    parts.role,
    new ReportWorkerOutcome({ workerLink: link, taskTokens: parts.taskTokens, log }),
    new SendWorkerHeartbeat({ workerLink: link, taskTokens: parts.taskTokens, log }),
    log,
    parts.heartbeatIntervalSeconds ?? DEFAULT_HEARTBEAT_SECONDS,
    parts.retry,
    parts.host,
  );
}
