/**
 * `npm start`: the local simulation. Every Baton system on in-memory adapters in one
 * simulated world with faults; prints a summary (or `--json`) and exits 1 if a guarantee broke.
 */
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { formatSummary } from '../simulation/formatSummary.js';
import { parseSimulationArgs, USAGE, type SimulationArgs } from '../simulation/parseSimulationArgs.js';
import { ProgressBar } from '../simulation/ProgressBar.js';
import { renderHtmlReport } from '../simulation/report/htmlReport.js';
import { runSimulation } from '../simulation/runSimulation.js';
import { selectScenarios } from '../simulation/scenarios/catalog.js';

async function main(): Promise<number> {
  let args: SimulationArgs;
  let scenarios;
  try {
    args = parseSimulationArgs(process.argv.slice(2));
    scenarios = selectScenarios(args.scenarios);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (scenarios.length === 0) {
    process.stderr.write('No scenario to run.\n');
    return 2;
  }
  const bar = args.quiet ? undefined : new ProgressBar(process.stderr, () => performance.now());
  const report = await runSimulation({
    jobs: args.jobs,
    seed: args.seed,
    faults: args.faults,
    scenarios,
    ...(args.sabotage ? { sabotage: args.sabotage } : {}),
    ...(args.callbackIndexShards === undefined ? {} : { callbackIndexShards: args.callbackIndexShards }),
    ...(bar ? { onProgress: (done: number, total: number, ms: number) => bar.update(done, total, ms) } : {}),
  });
  bar?.finish();
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatSummary(report)}\n`);
  if (args.html) {
    await writeFile(args.html, renderHtmlReport(report));
    process.stderr.write(`HTML report written to ${args.html}\n`);
  }
  return report.ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`simulation crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
