import { describe, expect, it } from 'vitest';
import { NO_FAULTS, type FaultRates } from '../../simulation/FaultRates.js';
import { runSimulation } from '../../simulation/runSimulation.js';
import { SCENARIOS } from '../../simulation/scenarios/catalog.js';

const only = (name: string) => SCENARIOS.filter((s) => s.name === name);
const holds = (report: Awaited<ReturnType<typeof runSimulation>>, name: string) => report.invariants.find((i) => i.name === name);

/**
 * Runs the property test once drew and failed (rates as drawn, to the digits that mattered).
 * Each was a simulated client giving up at a rate inside the documented limits, not a broken
 * guarantee. The first five were drawn when all scenarios shared one random stream; each scenario
 * now has its own, so they replay other runs at the same rates — the tests below pin those
 * mechanisms. The last two replay as drawn.
 */
const DRAWN: { seed: number; faults: Partial<FaultRates> }[] = [
  { seed: 776350313, faults: { late: 0.2, providerDown: 0.2, capacity: 0.5 } },
  { seed: 1995556601, faults: { capacity: 0.5 } },
  { seed: 2147483624, faults: { providerDown: 0.2, redelivery: 0.2, interruption: 0.2 } },
  { seed: 315965942, faults: { sfnOutage: 0.3, providerDown: 0.2 } },
  { seed: 98726091, faults: { crash: 0.2 } },
  // A webhook that beat execution-ended to an aborted task: its one SendTask is refused and it is
  // answered 410 — right, but the invariants counted it as a duplicate reaching Step Functions.
  { seed: 840181024, faults: { abort: 0.2 } },
  { seed: 2091236810, faults: { late: 0.2, providerDown: 0.2, abort: 0.2 } },
];

describe('seeds the property test once failed on', () => {
  it.each(DRAWN)('seed $seed at its rates keeps every invariant', async ({ seed, faults }) => {
    const report = await runSimulation({ jobs: 80, seed, faults: { ...NO_FAULTS, ...faults }, scenarios: SCENARIOS });

    expect(report.invariants.filter((i) => !i.holds)).toEqual([]);
  });

  it('an ECS API client that gives up on 503s is owed no task, not a launch', async () => {
    // Capacity refused on three placements in four: some API clients exhaust their retries (the
    // SQS side may dead-letter at this rate, which is past its limit and not what this checks).
    let gaveUp = 0;
    for (const seed of [776350313, 1, 2]) {
      const report = await runSimulation({ jobs: 300, seed, faults: { ...NO_FAULTS, capacity: 0.75 }, scenarios: only('ecs-dispatch') });
      gaveUp += report.systems[0]!.details['clients that gave up']!;
      for (const name of [
        'ecs-dispatch: every API job launched and recorded with its task (unless its client gave up)',
        'ecs-dispatch: a client that gave up left no unrecorded task',
        'ecs-dispatch: bad requests answered 400; retries end in 200/202 or 503/409',
        'ecs-dispatch: every job started at most one ECS task',
      ]) {
        expect(holds(report, name), `seed ${seed}`).toMatchObject({ holds: true });
      }
    }

    expect(gaveUp).toBeGreaterThan(0);
  });

  it('a job-API client whose every submit got 503 never had a job to finish (seed 2147483624)', async () => {
    // The job queue refuses most sends: some clients give up after five 503s.
    const report = await runSimulation({ jobs: 200, seed: 2147483624, faults: { ...NO_FAULTS, providerDown: 0.6 }, scenarios: only('job-api') });

    expect(report.systems[0]!.details['clients that gave up after 503s']).toBeGreaterThan(0);
    expect(report.invariants.filter((i) => !i.holds)).toEqual([]);
  });
});
