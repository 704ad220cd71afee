import { CompleteCallback } from '../../application/callbacks/CompleteCallback.js';
import { RedriveCallbacks } from '../../application/callbacks/RedriveCallbacks.js';
import { ResumeCallback } from '../../application/callbacks/ResumeCallback.js';
import { HandleRunPodWebhook } from '../../application/runpod/HandleRunPodWebhook.js';
import { ReconcileRunPodJobs } from '../../application/runpod/ReconcileRunPodJobs.js';
import { SubmitRunPodJob, type SubmitRunPodJobSettings } from '../../application/runpod/SubmitRunPodJob.js';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { InMemoryGpuJobs } from '../../adapters/memory/InMemoryGpuJobs.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemoryPresignedUrls } from '../../adapters/memory/InMemoryPresignedUrls.js';
import { InMemoryStepFunctions } from '../../adapters/memory/InMemoryStepFunctions.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { SequentialIds } from '../../adapters/memory/SequentialIds.js';

/** The callback flow wired on in-memory adapters, as the composition root wires it on AWS. */
export function callbackHarness(settings: Partial<SubmitRunPodJobSettings> = {}) {
  const clock = new ManualClock();
  const log = new RecordingLog();
  const metrics = new InMemoryMetrics();
  const ids = new SequentialIds('c0ffee');
  const mappings = new InMemoryCallbackMappings();
  const sfn = new InMemoryStepFunctions(clock);
  const gpuJobs = new InMemoryGpuJobs();
  const urls = new InMemoryPresignedUrls();
  const resume = new ResumeCallback({ mappings, taskTokens: sfn, clock, log, metrics });
  const complete = new CompleteCallback({ mappings, resumeCallback: resume, clock, log, metrics });
  return {
    clock,
    log,
    metrics,
    ids,
    mappings,
    sfn,
    gpuJobs,
    urls,
    complete,
    webhook: new HandleRunPodWebhook({ completeCallback: complete, log }),
    submit: new SubmitRunPodJob({ mappings, presignedUrls: urls, gpuJobs, ids, clock, log, metrics }, {
      webhookBaseUrl: 'https://api.example.com/webhook/',
      defaultBucket: 'my-bucket',
      defaultPresignExpiresSecs: 21_600,
      ...settings,
    }),
    redrive: new RedriveCallbacks({ mappings, resumeCallback: resume, clock, log, metrics }, {
      redriveAfterSeconds: 60,
      leaseSeconds: 30,
      pageSize: 100,
      maxPages: 10,
    }),
    reconcile: new ReconcileRunPodJobs({ mappings, gpuJobs, taskTokens: sfn, resumeCallback: resume, clock, log, metrics }, {
      reconcileAfterSeconds: 300,
      pageSize: 3,
      maxPages: 10,
    }),
  };
}

export type CallbackHarness = ReturnType<typeof callbackHarness>;
