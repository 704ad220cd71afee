import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newCallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { runPodWebhookHandler } from '../../entrypoints/handlers/runPodWebhook.js';
import { httpApiEvent, restApiEvent } from '../support/apiGatewayEvents.js';
import { callbackHarness } from './callbackHarness.js';

/** Anything a caller can send: never a crash, never a 5xx for their mistake, nothing resumed by garbage. */
describe('runpod-webhook handler under arbitrary input', () => {
  const h = callbackHarness();
  const handler = runPodWebhookHandler(h.webhook, h.log);
  const known = h.ids.secretToken();
  const taskToken = h.sfn.startTask();

  const token = fc.oneof(fc.constant(known), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), fc.string(), fc.constant(''));
  const body = fc.oneof(
    fc.string(),
    fc.json(),
    fc.record({
      id: fc.oneof(fc.string(), fc.integer()),
      status: fc.oneof(fc.constantFrom('COMPLETED', 'FAILED', 'IN_PROGRESS', 'completed', ''), fc.string()),
      output: fc.jsonValue(),
      error: fc.oneof(fc.string(), fc.jsonValue()),
      delayTime: fc.oneof(fc.integer(), fc.string()),
    }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  );
  const event = fc.oneof(
    fc.tuple(token, body, fc.boolean(), fc.boolean()).map(([t, b, rest, base64]) => {
      const parts = { method: 'POST', path: `/webhook/${t}`, pathParameters: { callback_token: t }, body: b, base64 };
      return rest ? restApiEvent(parts) : httpApiEvent(parts);
    }),
    fc.anything(),
  );

  const said = (response: { body: string }) => (JSON.parse(response.body) as { status?: unknown }).status;

  it('always answers with a 2xx/4xx response', async () => {
    (await h.mappings.create(newCallbackMapping({ callbackToken: known, taskToken, channel: 'runpod', now: h.clock.now() })))._unsafeUnwrap();
    let resumedAnswers = 0;
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const response = await handler(e);
        expect(response.statusCode).toBeGreaterThanOrEqual(200);
        expect(response.statusCode).toBeLessThan(500);
        expect(() => JSON.parse(response.body)).not.toThrow();
        if (said(response) === 'resumed') resumedAnswers += 1;
      }),
      { numRuns: 500 },
    );
    // Then RunPod's real report: it resumes the task, unless a well-formed report drawn above already did.
    const completed = JSON.stringify({ id: 'job-1', status: 'COMPLETED', output: { ok: true } });
    const real = await handler(httpApiEvent({ method: 'POST', path: `/webhook/${known}`, pathParameters: { callback_token: known }, body: completed }));
    if (said(real) === 'resumed') resumedAnswers += 1;

    // However much garbage arrived, the task was resumed exactly once, and one answer said so.
    expect(real.statusCode).toBe(200);
    expect(resumedAnswers).toBe(1);
    expect(h.sfn.task(taskToken)!.resumeCalls).toBe(1);
  });
});
