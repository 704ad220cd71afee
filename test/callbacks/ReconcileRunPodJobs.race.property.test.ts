import fc from 'fast-check';
import { ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { callbackHarness } from './callbackHarness.js';

const COMPLETED = { status: 'COMPLETED', output: { ok: true } };

describe('ReconcileRunPodJobs races', () => {
  it('resumes each finished job exactly once, whatever the interleaving of two runs and the webhooks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 4 }), async (s, count) => {
        const h = callbackHarness();
        const jobs = [];
        for (let i = 0; i < count; i += 1) {
          const taskToken = h.sfn.startTask({ timeoutSeconds: 7200 });
          const out = (
            await h.submit.execute({
              task_token: taskToken,
              exec_id: 'e',
              segment: { filename: 'f', input_key: 'i', output_key: 'o' },
              bucket: 'my-bucket',
            })
          )._unsafeUnwrap();
          h.gpuJobs.setStatus(out.job_id, COMPLETED);
          jobs.push({ taskToken, callbackToken: out.callback_token, jobId: out.job_id });
        }
        h.clock.advanceSeconds(301);
        // RunPod's answers and the webhooks' arrivals come in whatever order the scheduler picks.
        const status = h.gpuJobs.status.bind(h.gpuJobs);
        h.gpuJobs.status = (id) => new ResultAsync(s.schedule(Promise.resolve(status(id)), `status ${id}`).then((r) => r));
        const runs = [h.reconcile.execute(), h.reconcile.execute()];
        const webhooks = jobs.map((j) =>
          s.schedule(Promise.resolve(), `webhook ${j.jobId}`).then(() =>
            h.webhook.execute({ callbackToken: j.callbackToken, body: { id: j.jobId, ...COMPLETED } }),
          ),
        );

        // eslint-disable-next-line baton/no-ignored-result -- who wins each race varies by schedule; the outcome is asserted on the tasks and mappings below
        await s.waitFor(Promise.all([...runs, ...webhooks]));

        expect(jobs.map((j) => h.sfn.task(j.taskToken)!.resumeCalls)).toEqual(jobs.map(() => 1));
        expect(h.mappings.all().map((m) => m.status)).toEqual(jobs.map(() => 'COMPLETED'));
        expect(h.metrics.get('CallbacksAccepted')).toBe(count);
      }),
      { numRuns: 150 },
    );
  });
});
