import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { CompleteCallback } from '../../application/callbacks/CompleteCallback.js';
import { RedriveCallbacks, type RedriveSettings } from '../../application/callbacks/RedriveCallbacks.js';
import { ResumeCallback } from '../../application/callbacks/ResumeCallback.js';
import type { CallbackMappings } from '../../application/ports/CallbackMappings.js';
import type { GpuJobs } from '../../application/ports/GpuJobs.js';
import type { PresignedUrls } from '../../application/ports/PresignedUrls.js';
import type { TaskTokens } from '../../application/ports/TaskTokens.js';
import { HandleRunPodWebhook } from '../../application/runpod/HandleRunPodWebhook.js';
import { ReconcileRunPodJobs, type ReconcileSettings } from '../../application/runpod/ReconcileRunPodJobs.js';
import { SubmitRunPodJob, type SubmitRunPodJobSettings } from '../../application/runpod/SubmitRunPodJob.js';
import { byName } from './byName.js';
import { Platform } from './platformModule.js';

/** Service identifiers of the callback flow (seeds 000/001 and the redrive). */
export const Callbacks = {
  Mappings: Symbol.for('baton.CallbackMappings') as ServiceIdentifier<CallbackMappings>,
  TaskTokens: Symbol.for('baton.TaskTokens') as ServiceIdentifier<TaskTokens>,
  GpuJobs: Symbol.for('baton.GpuJobs') as ServiceIdentifier<GpuJobs>,
  PresignedUrls: Symbol.for('baton.PresignedUrls') as ServiceIdentifier<PresignedUrls>,
  ResumeCallback: Symbol.for('baton.ResumeCallback') as ServiceIdentifier<ResumeCallback>,
  CompleteCallback: Symbol.for('baton.CompleteCallback') as ServiceIdentifier<CompleteCallback>,
  HandleRunPodWebhook: Symbol.for('baton.HandleRunPodWebhook') as ServiceIdentifier<HandleRunPodWebhook>,
  SubmitRunPodJob: Symbol.for('baton.SubmitRunPodJob') as ServiceIdentifier<SubmitRunPodJob>,
  RedriveCallbacks: Symbol.for('baton.RedriveCallbacks') as ServiceIdentifier<RedriveCallbacks>,
  ReconcileRunPodJobs: Symbol.for('baton.ReconcileRunPodJobs') as ServiceIdentifier<ReconcileRunPodJobs>,
} as const;

export interface CallbackUseCaseSettings {
  readonly submit?: SubmitRunPodJobSettings;
  readonly redrive?: RedriveSettings;
  readonly reconcile?: ReconcileSettings;
}

/**
 * The use-cases, resolved from whatever adapters another module bound to the ports.
 * A use-case whose settings are not given is not bound (a handler binds only what it runs).
 */
export function callbackUseCasesModule(settings: CallbackUseCaseSettings = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const { Clock: clock, Ids: ids, Log: log, Metrics: metrics } = Platform;
    const mappings = Callbacks.Mappings;
    bind(Callbacks.ResumeCallback).toResolvedValue(
      ...byName({ mappings, taskTokens: Callbacks.TaskTokens, clock, log, metrics }, (deps) => new ResumeCallback(deps)),
    );
    bind(Callbacks.CompleteCallback).toResolvedValue(
      ...byName({ mappings, resumeCallback: Callbacks.ResumeCallback, clock, log, metrics }, (deps) => new CompleteCallback(deps)),
    );
    bind(Callbacks.HandleRunPodWebhook).toResolvedValue(
      ...byName({ completeCallback: Callbacks.CompleteCallback, log }, (deps) => new HandleRunPodWebhook(deps)),
    );
    const { submit, redrive, reconcile } = settings;
    if (submit) {
      bind(Callbacks.SubmitRunPodJob).toResolvedValue(
        ...byName(
          { mappings, presignedUrls: Callbacks.PresignedUrls, gpuJobs: Callbacks.GpuJobs, ids, clock, log, metrics },
          (deps) => new SubmitRunPodJob(deps, submit),
        ),
      );
    }
    if (redrive) {
      bind(Callbacks.RedriveCallbacks).toResolvedValue(
        ...byName(
          { mappings, resumeCallback: Callbacks.ResumeCallback, clock, log, metrics },
          (deps) => new RedriveCallbacks(deps, redrive),
        ),
      );
    }
    if (reconcile) {
      bind(Callbacks.ReconcileRunPodJobs).toResolvedValue(
        ...byName(
          {
            mappings,
            gpuJobs: Callbacks.GpuJobs,
            taskTokens: Callbacks.TaskTokens,
            resumeCallback: Callbacks.ResumeCallback,
            clock,
            log,
            metrics,
          },
          (deps) => new ReconcileRunPodJobs(deps, reconcile),
        ),
      );
    }
  });
}

export interface CallbackPorts {
  readonly mappings: CallbackMappings;
  readonly taskTokens: TaskTokens;
  readonly gpuJobs?: GpuJobs;
  readonly presignedUrls?: PresignedUrls;
}

/** Binds the ports to ready instances: in-memory ones for tests, the simulation and the dev server. */
export function callbackPortsModule(ports: CallbackPorts): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Callbacks.Mappings).toConstantValue(ports.mappings);
    bind(Callbacks.TaskTokens).toConstantValue(ports.taskTokens);
    if (ports.gpuJobs) bind(Callbacks.GpuJobs).toConstantValue(ports.gpuJobs);
    if (ports.presignedUrls) bind(Callbacks.PresignedUrls).toConstantValue(ports.presignedUrls);
  });
}
