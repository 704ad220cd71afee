/**
 * `node --import tsx scripts/bench-simulation.ts [--sizes 1000,10000,100000] [--seed N]`:
 * runs the full simulation (every scenario, default faults) at each size in a fresh process,
 * and prints wall time, throughput, memory, and the cost per 1,000 jobs — which stays flat
 * when the cost is linear in the number of jobs.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { SimulationReport } from '../simulation/SimulationReport.js';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000,10000,100000' }, seed: { type: 'string', default: '42' } },
});
const sizes = values.sizes.split(',').map(Number);

const rows: string[][] = [];
for (const jobs of sizes) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', '--jobs', String(jobs), '--seed', values.seed, '--json', '--quiet'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0 && child.status !== 1) {
    process.stderr.write(`simulation of ${jobs} jobs failed:\n${child.stderr}\n`);
    process.exit(1);
  }
  const report = JSON.parse(child.stdout) as SimulationReport;
  rows.push([
    jobs.toLocaleString('en-US'),
    (report.wall.ms / 1000).toFixed(2),
    report.wall.jobsPerSecond.toLocaleString('en-US'),
    report.events.toLocaleString('en-US'),
    ((report.wall.ms / jobs) * 1000).toFixed(0),
    String(report.wall.heapUsedMb),
    String(report.wall.rssMb),
    `${Math.round(report.simulatedSeconds / 86400)} d`,
    report.ok ? 'all hold' : 'BROKEN',
  ]);
  process.stderr.write(`${jobs} jobs done\n`);
}

const header = ['jobs', 'wall s', 'jobs/s', 'events', 'ms / 1k jobs', 'heap MiB', 'rss MiB', 'simulated', 'invariants'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
process.stdout.write(
  [
    `Baton simulation benchmark (every scenario, default faults, seed ${values.seed}, Node ${process.version}, one process per size)`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
  ].join('\n'),
);
