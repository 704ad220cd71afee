/**
 * `npm run sweep:simulation -- [runs] [fast-check seed]`: the property test's draw, many times
 * over (default 2000 runs of 80 jobs), offline. Prints a replay line for every failing run, then
 * the count. The property test itself runs 25 draws per `npm test`; this is how its fault limits
 * were checked.
 */
import fc from 'fast-check';
import { faultsWithinLimits } from '../simulation/faultsWithinLimits.js';
import { replayCommand } from '../simulation/parseSimulationArgs.js';
import { runSimulation } from '../simulation/runSimulation.js';
import { SCENARIOS } from '../simulation/scenarios/catalog.js';

const runs = Number(process.argv[2] ?? 2000);
const fcSeed = Number(process.argv[3] ?? 1);
const JOBS = 80;

const started = Date.now();
let failed = 0;
for (const [seed, rates] of fc.sample(fc.tuple(fc.nat(), faultsWithinLimits), { numRuns: runs, seed: fcSeed })) {
  const report = await runSimulation({ jobs: JOBS, seed, faults: rates, scenarios: SCENARIOS });
  const broken = report.invariants.filter((i) => !i.holds);
  if (broken.length === 0) continue;
  failed += 1;
  console.log(replayCommand({ jobs: JOBS, seed, faults: rates, scenarios: 'all' }));
  for (const i of broken) console.log(`    ${i.name}: ${i.detail}`);
}
console.log(`${failed} of ${runs} runs broke an invariant (${JOBS} jobs each, fast-check seed ${fcSeed}, ${Math.round((Date.now() - started) / 1000)} s)`);
process.exitCode = failed === 0 ? 0 : 1;
