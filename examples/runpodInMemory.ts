// The RunPod callback flow on in-memory adapters: submit a segment, RunPod reports twice,
// the workflow is resumed once. The same use-cases run in Lambda on DynamoDB and Step Functions.
import { CompleteCallback, HandleRunPodWebhook, ResumeCallback, SubmitRunPodJob } from '../index.js';
import {
  InMemoryCallbackMappings,
  InMemoryGpuJobs,
  InMemoryMetrics,
  InMemoryPresignedUrls,
  InMemoryStepFunctions,
  ManualClock,
  RecordingLog,
  SequentialIds,
} from '../exports/testing.js';

export async function main() {
  const clock = new ManualClock('2026-01-06T12:00:00Z');
  const [log, metrics] = [new RecordingLog(), new InMemoryMetrics()];
  const mappings = new InMemoryCallbackMappings();
  const stepFunctions = new InMemoryStepFunctions(clock);
  const gpuJobs = new InMemoryGpuJobs();

  const submit = new SubmitRunPodJob(
    { mappings, presignedUrls: new InMemoryPresignedUrls(), gpuJobs, ids: new SequentialIds(), clock, log, metrics },
    { webhookBaseUrl: 'https://api.example.com/webhook/', defaultPresignExpiresSecs: 21_600 },
  );
  const resumeCallback = new ResumeCallback({ mappings, taskTokens: stepFunctions, clock, log, metrics });
  const webhook = new HandleRunPodWebhook({ completeCallback: new CompleteCallback({ mappings, resumeCallback, clock, log, metrics }), log });

  // Step Functions runs the task with .waitForTaskToken and hands us its token.
  const taskToken = stepFunctions.startTask({ timeoutSeconds: 7_200 });
  const submitted = await submit.execute({
    task_token: taskToken,
    exec_id: 'execution-123',
    segment: { filename: 'seg_0001.mp4', input_key: 'runs/exec-123/raw/seg_0001.mp4', output_key: 'runs/exec-123/upscaled/seg_0001.mp4' },
    params: { model: '7b', resolution: 1080 },
    bucket: 'my-bucket',
  });
  if (submitted.isErr()) throw new Error(`submit refused: ${submitted.error.type}`);
  const { callback_token } = submitted.value;

  // RunPod reports, then reports again (it redelivers when an answer is slow).
  const body = { id: gpuJobs.jobs[0]!.id, status: 'COMPLETED', output: { message: 'Video upscaled successfully' } };
  const first = await webhook.execute({ callbackToken: callback_token, body });
  const again = await webhook.execute({ callbackToken: callback_token, body });

  return {
    first: first.match((r) => r.type, (e) => e.type), // 'Resumed'
    again: again.match((r) => r.type, (e) => e.type), // 'AlreadyFinished'
    task: stepFunctions.task(taskToken)!.state, // 'succeeded'
    resumeCalls: stepFunctions.task(taskToken)!.resumeCalls, // 1
  };
}
