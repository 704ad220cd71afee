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
    bind(Callbacks.ResumeCallback).toResolvedValue(
      (mappings, tokens, clock, log, metrics) => new ResumeCallback(mappings, tokens, clock, log, metrics),
      [Callbacks.Mappings, Callbacks.TaskTokens, Platform.Clock, Platform.Log, Platform.Metrics],
    );
    bind(Callbacks.CompleteCallback).toResolvedValue(
      (mappings, resume, clock, log, metrics) => new CompleteCallback(mappings, resume, clock, log, metrics),
      [Callbacks.Mappings, Callbacks.ResumeCallback, Platform.Clock, Platform.Log, Platform.Metrics],
    );
    bind(Callbacks.HandleRunPodWebhook).toResolvedValue(
      (complete, log) => new HandleRunPodWebhook(complete, log),
      [Callbacks.CompleteCallback, Platform.Log],
    );
    const { submit, redrive, reconcile } = settings;
    if (submit) {
      bind(Callbacks.SubmitRunPodJob).toResolvedValue(
        (mappings, urls, gpuJobs, ids, clock, log, metrics) =>
          new SubmitRunPodJob(mappings, urls, gpuJobs, ids, clock, log, metrics, submit),
        [
          Callbacks.Mappings,
          Callbacks.PresignedUrls,
          Callbacks.GpuJobs,
          Platform.Ids,
          Platform.Clock,
          Platform.Log,
          Platform.Metrics,
        ],
      );
    }
    if (redrive) {
      bind(Callbacks.RedriveCallbacks).toResolvedValue(
        (mappings, resume, clock, log, metrics) => new RedriveCallbacks(mappings, resume, clock, log, metrics, redrive),
        [Callbacks.Mappings, Callbacks.ResumeCallback, Platform.Clock, Platform.Log, Platform.Metrics],
      );
    }
    if (reconcile) {
      bind(Callbacks.ReconcileRunPodJobs).toResolvedValue(
        (mappings, gpuJobs, tokens, resume, clock, log, metrics) =>
          new ReconcileRunPodJobs(mappings, gpuJobs, tokens, resume, clock, log, metrics, reconcile),
        [
          Callbacks.Mappings,
          Callbacks.GpuJobs,
          Callbacks.TaskTokens,
          Callbacks.ResumeCallback,
          Platform.Clock,
          Platform.Log,
          Platform.Metrics,
        ],
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
