/**
 * `node --import tsx scripts/bench-simulation.ts [--only load|sizes] [--load-jobs N] [--sizes 1000,10000,100000] [--seed N]`:
 *
 * - load: the `callback-load` scenario (10,000 segments a simulated second through the real
 *   submit → webhook → resume handlers), once with the callbacks table's sparse indexes unsharded
 *   (`--callback-index-shards 1`) and once with the default shard count, each in a fresh process;
 *   prints wall and CPU time, the webhook rate reached, and each table's and index's hottest
 *   partition key with its peak writes in one simulated second, against DynamoDB's ~1,000/s.
 * - sizes: the full simulation (every scenario, default faults) at each size, and the cost per
 *   1,000 jobs — which stays flat when the cost is linear in the number of jobs.
 *
 * Exits 1 if the default layout's load run breaks an invariant (the unsharded one is expected to
 * break "no partition key over 1,000 writes/s", and only that).
 */
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { SimulationReport } from '../simulation/SimulationReport.js';
import { LOAD_SEGMENTS_PER_SECOND } from '../simulation/scenarios/upscaling.js';
import { DEFAULT_SIMULATED_SHARDS } from '../simulation/writes/DynamoDbWrites.js';
import { partitionInvariantName } from '../simulation/writes/PartitionWrites.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    'load-jobs': { type: 'string', default: '60000' },
    sizes: { type: 'string', default: '1000,10000,100000' },
    seed: { type: 'string', default: '42' },
  },
});
const n = (x: number) => x.toLocaleString('en-US');
const seconds = (ms: number) => (ms / 1000).toFixed(1);

function simulate(flags: string[]): SimulationReport {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', '--seed', values.seed, '--json', '--quiet', ...flags], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0 && child.status !== 1) {
    process.stderr.write(`simulation ${flags.join(' ')} failed:\n${child.stderr}\n`);
    process.exit(1);
  }
  return JSON.parse(child.stdout) as SimulationReport;
}

/** A text table; the first `leftColumns` columns, and those whose header names a key, are left-aligned. */
/** `simulate`, without blocking: the load's two layouts run side by side, one per core. */
function simulateAsync(flags: string[]): Promise<SimulationReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', '--seed', values.seed, '--json', '--quiet', ...flags]);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`simulation ${flags.join(' ')} failed:\n${Buffer.concat(err).toString()}`));
      else resolve(JSON.parse(Buffer.concat(out).toString()) as SimulationReport);
    });
  });
}

function table(header: string[], rows: string[][], leftColumns = 1): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const left = header.map((h, i) => i < leftColumns || h.endsWith('key'));
  const line = (cells: string[]) => cells.map((c, i) => (left[i] ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

async function loadRun(): Promise<{ lines: string[]; ok: boolean }> {
  const jobs = Number(values['load-jobs']);
  const faults = ['--no-faults', '--duplicate-rate', '0.1', '--failure-rate', '0.05'];
  const layouts = [...new Set([1, DEFAULT_SIMULATED_SHARDS])];
  const started = performance.now();
  const runs = await Promise.all(
    layouts.map(async (shards) => {
      const report = await simulateAsync(['--scenario', 'callback-load', '--jobs', String(jobs), '--callback-index-shards', String(shards), ...faults]);
      process.stderr.write(`callback load with ${shards} shard(s) done\n`);
      return { shards, report };
    }),
  );
  const bothMs = performance.now() - started;
  const system = (r: SimulationReport) => r.systems[0]!;
  const verdict = (r: SimulationReport) => {
    const broken = r.invariants.filter((i) => !i.holds);
    if (broken.length === 0) return `all ${r.invariants.length} hold`;
    return broken.map((i) => (i.name === partitionInvariantName() ? 'writes/s over the limit' : i.name)).join('; ');
  };
  const lines = [
    `Callback load: the callback-load scenario, ${n(jobs)} segments arriving at ${n(LOAD_SEGMENTS_PER_SECOND)}/s, 10% duplicate webhooks, 5% failed jobs, seed ${values.seed}, Node ${process.version}`,
    `one process per layout, side by side: ${seconds(bothMs)} s wall for both, process start included (wall s and CPU s below: the run itself)`,
    ...table(
      ['index shards', 'webhooks in busiest s', 'wall s', 'CPU s', 'events', 'heap MiB', 'invariants'],
      runs.map(({ shards, report }) => [
        String(shards),
        n(system(report).details['webhooks in the busiest second'] ?? 0),
        seconds(report.wall.ms),
        seconds(report.wall.cpuMs),
        n(report.events),
        String(report.wall.heapUsedMb),
        verdict(report),
      ]),
      0,
    ),
    '',
    `Hottest partition key per table and index: writes in its busiest simulated second (DynamoDB gives a partition ~${n(runs[0]!.report.partitionWrites.limit)}/s)`,
    ...table(
      ['table / index', ...runs.flatMap(({ shards }) => [`shards = ${shards}: hottest key`, 'peak/s'])],
      runs[0]!.report.partitionWrites.rows.map((row, i) => [
        row.name,
        ...runs.flatMap(({ report }) => {
          const hot = report.partitionWrites.rows[i]!.hottest;
          return [hot === undefined ? '-' : hot.key.length > 40 ? `${hot.key.slice(0, 19)}…${hot.key.slice(-20)}` : hot.key, n(hot?.writes ?? 0)];
        }),
      ]),
    ),
    '',
  ];
  const defaultRun = runs.find((r) => r.shards === DEFAULT_SIMULATED_SHARDS)!;
  return { lines, ok: defaultRun.report.ok };
}

function sizesRun(): string[] {
  const rows: string[][] = [];
  for (const jobs of values.sizes.split(',').map(Number)) {
    const report = simulate(['--jobs', String(jobs)]);
    rows.push([
      n(jobs),
      seconds(report.wall.ms),
      seconds(report.wall.cpuMs),
      n(report.wall.jobsPerSecond),
      n(report.events),
      ((report.wall.ms / jobs) * 1000).toFixed(0),
      String(report.wall.heapUsedMb),
      String(report.wall.rssMb),
      `${Math.round(report.simulatedSeconds / 86400)} d`,
      report.ok ? 'all hold' : 'BROKEN',
    ]);
    process.stderr.write(`${jobs} jobs done\n`);
  }
  return [
    `Baton simulation benchmark (every scenario, default faults, seed ${values.seed}, Node ${process.version}, one process per size)`,
    ...table(['jobs', 'wall s', 'CPU s', 'jobs/s', 'events', 'ms / 1k jobs', 'heap MiB', 'rss MiB', 'simulated', 'invariants'], rows, 0),
    '',
  ];
}

let ok = true;
const out: string[] = [];
if (values.only === undefined || values.only === 'load') {
  const load = await loadRun();
  out.push(...load.lines);
  ok = load.ok;
}
if (values.only === undefined || values.only === 'sizes') out.push(...sizesRun());
process.stdout.write(`${out.join('\n')}\n`);
process.exitCode = ok ? 0 : 1;
