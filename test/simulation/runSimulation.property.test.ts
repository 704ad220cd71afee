import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultRates } from '../../simulation/FaultRates.js';
import { runSimulation } from '../../simulation/runSimulation.js';
import { SCENARIOS } from '../../simulation/scenarios/catalog.js';

/**
 * Rates up to 0.2: past that the simulated clients and workers themselves give up (five
 * crashed reports in a row, five 503s in a row), which no server-side design can prevent.
 */
const rate = fc.double({ min: 0, max: 0.2, noNaN: true });
const faults: fc.Arbitrary<FaultRates> = fc.record({
  duplicate: rate,
  late: rate,
  lost: rate,
  jobFailure: rate,
  sfnOutage: fc.double({ min: 0, max: 0.3, noNaN: true }),
  crash: rate,
  providerDown: rate,
  capacity: fc.double({ min: 0, max: 0.5, noNaN: true }),
  redelivery: rate,
  interruption: rate,
});

describe('the simulation, for any seed and fault mix', () => {
  it('keeps every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), faults, async (seed, rates) => {
        const report = await runSimulation({ jobs: 80, seed, faults: rates, scenarios: SCENARIOS });
        expect(report.invariants.filter((i) => !i.holds)).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
