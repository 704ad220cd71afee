// baton/worker: a Spot worker's heartbeat and its one report, here on in-memory Step Functions.
import { createWorker, runWorker } from 'baton/worker';
import { InMemoryMetrics, InMemoryStepFunctions, ManualClock, RecordingLog } from 'baton/testing';

export async function main(): Promise<{ succeeded: boolean; task: string | undefined }> {
  const clock = new ManualClock('2026-01-06T12:00:00Z');
  const stepFunctions = new InMemoryStepFunctions(clock);
  const taskToken = stepFunctions.startTask({ timeoutSeconds: 3_600 });
  const worker = createWorker({
    jobId: 'render-1',
    access: { kind: 'taskToken', taskToken },
    taskTokens: stepFunctions,
    clock,
    log: new RecordingLog(),
    metrics: new InMemoryMetrics(),
  });

  const run = await runWorker(worker, async ({ jobId }) => ({ rendered: `${jobId}.mp4` }));
  return { succeeded: run.succeeded, task: stepFunctions.task(taskToken)?.state };
}
