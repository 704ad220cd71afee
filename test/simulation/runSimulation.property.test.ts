import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultsWithinLimits } from '../../simulation/faultsWithinLimits.js';
import { replayCommand } from '../../simulation/parseSimulationArgs.js';
import { runSimulation } from '../../simulation/runSimulation.js';
import { SCENARIOS } from '../../simulation/scenarios/catalog.js';

const JOBS = 80;

describe('the simulation, for any seed and fault mix within the documented limits', () => {
  it('keeps every invariant', async () => {
    await fc.assert(
      // A seed is a name for a run, not a size: shrinking it (or the rates, which reshuffle every
      // draw) finds nothing smaller, only another run. A failure is reported as drawn, with the line
      // that replays it.
      fc.asyncProperty(fc.noShrink(fc.nat()), fc.noShrink(faultsWithinLimits), async (seed, faults) => {
        const report = await runSimulation({ jobs: JOBS, seed, faults, scenarios: SCENARIOS });
        const broken = report.invariants.filter((i) => !i.holds);
        expect(broken, `replay: ${replayCommand({ jobs: JOBS, seed, faults, scenarios: 'all' })}`).toEqual([]);
      }),
      { numRuns: 25, endOnFailure: true },
    );
  });
});
