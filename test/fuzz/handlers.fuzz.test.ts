import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApiEvent } from '../support/apiGatewayEvents.js';
import { fuzzedSystems, PLANTED } from './fuzzedSystems.js';
import { eventsFor } from './hostileEvents.js';
import { outcomeOf, violation } from './verdict.js';

/**
 * Baton's own fuzz suite (issue 12): every Lambda handler, built as its bundle builds it, fed
 * generated hostile events — mutated valid inputs, unstorable numbers and keys, lone
 * surrogates, 5,000-deep documents, broken percent-escapes, malformed API Gateway and SQS
 * envelopes. Asserted for every event: no 5xx, no crash (a task fails only with a named
 * error, an SQS handler always answers with its batch), no infrastructure in error bodies;
 * and, over the whole run, no secret in any log record and no log record over 16 KiB.
 * A fixed seed per handler: a failure replays exactly.
 */
export const RUNS_PER_HANDLER = 700;
const SEED = 12;

describe('every handler under hostile input (in-memory adapters, real handler factories)', () => {
  const world = fuzzedSystems();
  let events = 0;
  let plantedTask: string;

  beforeAll(async () => {
    plantedTask = await world.plantWaitingCallback();
  });

  it.each(world.handlers.map((h, i) => [h.name, h, i] as const))('%s: no 5xx, no crash', async (_name, handler, i) => {
    await fc.assert(
      fc.asyncProperty(eventsFor(handler.name, handler.trigger), async (event) => {
        events += 1;
        const outcome = await outcomeOf(() => handler.handle(event));
        const problem = violation(handler.trigger, event, outcome);
        if (problem) throw new Error(`${handler.name}: ${problem}`);
      }),
      { numRuns: RUNS_PER_HANDLER, seed: SEED + i, endOnFailure: true },
    );
  });

  it('resumes the planted waiting task exactly once: whatever arrived for its token, then RunPod\'s real report', async () => {
    const webhook = world.handlers.find((h) => h.name === 'runpod-webhook')!;
    const body = JSON.stringify({ id: 'rp-1', status: 'COMPLETED', output: { ok: true } });

    const real = (await webhook.handle(
      httpApiEvent({ method: 'POST', path: `/webhook/${PLANTED.callbackToken}`, pathParameters: { callback_token: PLANTED.callbackToken }, body }),
    )) as { statusCode: number };

    expect(real.statusCode).toBe(200);
    expect(world.sfn.task(plantedTask)!.resumeCalls).toBe(1);
  });

  it('logged no secret and no unbounded value', () => {
    const lines = world.log.records.map((r) => JSON.stringify(r));
    const text = lines.join('\n');
    expect(text).not.toContain(PLANTED.taskToken);
    expect(text).not.toContain(PLANTED.callbackToken);
    expect(text).not.toMatch(/(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/i);
    const longest = Math.max(...lines.map((l) => l.length));
    expect(longest).toBeLessThanOrEqual(16 * 1024);
  });

  afterAll(() => {
    // The suite's size is part of its contract: at least 10,000 generated events.
    expect(events).toBeGreaterThanOrEqual(10_000);
  });
});
