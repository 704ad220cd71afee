import { runSimulation } from '/work/wt-simload/simulation/runSimulation.ts';
import { callbackLoad } from '/work/wt-simload/simulation/scenarios/upscaling.ts';
import { NO_FAULTS } from '/work/wt-simload/simulation/FaultRates.ts';
const r = await runSimulation({ jobs: 20000, seed: 42, faults: { ...NO_FAULTS, duplicate: 0.1, jobFailure: 0.05 }, scenarios: [callbackLoad] });
(globalThis as any).gc(); 
console.log(r.wall, Math.round(process.memoryUsage().heapUsed/2**20), process.cpuUsage());
