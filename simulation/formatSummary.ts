import { duration, fmt } from './ProgressBar.js';
import { FAULT_LIMITS, ratesBeyondLimits } from './FaultRates.js';
import { replayCommand } from './parseSimulationArgs.js';
import { SCENARIOS } from './scenarios/catalog.js';
import type { SimulationReport } from './SimulationReport.js';
import type { Sabotage } from './World.js';
import { hottestKey } from './writes/PartitionWrites.js';

/** The human summary printed at the end of `npm start`. */
export function formatSummary(report: SimulationReport): string {
  const lines: string[] = [];
  lines.push(
    `Baton simulation: seed ${report.seed}, ${fmt(report.jobs)} jobs, ${report.scenarios.join(', ')}`,
    `simulated ${duration(report.simulatedSeconds * 1000)} in ${fmt(report.wall.ms)} ms wall, ${fmt(report.wall.cpuMs)} ms CPU ` +
      `(${fmt(report.wall.jobsPerSecond)} jobs/s, ${fmt(report.events)} events, ${fmt(report.wall.eventsPerSecond)} events/s, ` +
      `heap ${report.wall.heapUsedMb} MiB, rss ${report.wall.rssMb} MiB)`,
    '',
  );
  const header = ['system', 'submitted', 'completed', 'failed', 'retried', 'duplicates absorbed'];
  const rows = report.systems.map((s) => [
    s.system,
    fmt(s.submitted),
    fmt(s.completed),
    fmt(s.failed),
    fmt(s.retried),
    fmt(s.duplicatesAbsorbed),
  ]);
  lines.push(...table(header, rows), '');
  for (const s of report.systems) {
    lines.push(`${s.title}:`);
    lines.push(...wrap(Object.entries(s.details).map(([k, v]) => `${k} ${fmt(v)}`), 96).map((l) => `  ${l}`));
  }
  lines.push('', 'Invariants:');
  for (const i of report.invariants) lines.push(`  ${i.holds ? 'PASS' : 'FAIL'}  ${i.name} (${i.detail})`);
  lines.push('', 'Handler latency (wall time of the real handler calls):');
  lines.push(
    ...table(
      ['handler', 'calls', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      Object.entries(report.latency).map(([name, l]) => [
        name,
        fmt(l.calls),
        l.p50Ms.toFixed(3),
        l.p95Ms.toFixed(3),
        l.p99Ms.toFixed(3),
        l.maxMs.toFixed(3),
      ]),
    ).map((l) => `  ${l}`),
  );
  lines.push('', ...formatPartitionWrites(report));
  const failed = report.invariants.filter((i) => !i.holds).length;
  const beyond = ratesBeyondLimits(report.faults);
  if (beyond.length > 0) {
    lines.push(
      '',
      `Past the documented limits: ${beyond.map((k) => `${k} ${report.faults[k]} > ${FAULT_LIMITS[k]}`).join(', ')}; ` +
        'simulated clients give up there, so invariants about them may fail.',
    );
  }
  if (!report.ok) {
    const all = report.scenarios.length === SCENARIOS.length;
    lines.push('', `replay: ${replayCommand({ ...report, scenarios: all ? 'all' : report.scenarios, sabotage: report.sabotage as Sabotage | undefined })}`);
  }
  lines.push(
    '',
    `fingerprint ${report.fingerprint.slice(0, 16)} (same seed and flags → same fingerprint)`,
    report.ok
      ? `OK: all ${report.invariants.length} invariants hold`
      : `BROKEN: ${failed} of ${report.invariants.length} invariants do not hold`,
  );
  return lines.join('\n');
}

/**
 * The write-rate table: per table (or kind of item) and index, its hottest partition key and
 * that key's writes in its busiest simulated second, then the hottest key of the run.
 */
function formatPartitionWrites(report: Pick<SimulationReport, 'partitionWrites' | 'callbackIndexShards'>): string[] {
  const { limit, rows } = report.partitionWrites;
  const hottest = hottestKey(report.partitionWrites);
  return [
    `DynamoDB writes per partition key, per simulated second (callback index shards: ${report.callbackIndexShards}; a partition takes ~${fmt(limit)}/s):`,
    ...table(
      ['table / index', 'hottest key', 'peak/s', 'at s', 'all keys peak/s', 'writes'],
      rows.map((r) => [
        r.name,
        r.hottest === undefined ? '-' : shorten(r.hottest.key, 44),
        r.hottest === undefined ? '0' : fmt(r.hottest.writes),
        r.hottest === undefined ? '-' : fmt(r.hottest.second),
        fmt(r.busiestSecond.writes),
        fmt(r.writes),
      ]),
    ).map((l) => `  ${l}`),
    hottest === undefined
      ? 'hottest key: none (no DynamoDB writes)'
      : `hottest key: ${hottest.row} ${hottest.key}, ${fmt(hottest.writes)} writes/s at simulated second ${fmt(hottest.second)} (limit ${fmt(limit)})`,
  ];
}

/** `text`, cut in the middle to at most `max` characters. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor((max - 1) / 2);
  return `${text.slice(0, half)}…${text.slice(text.length - (max - 1 - half))}`;
}

/** Joins items with ", " into lines of at most `width` characters. */
function wrap(items: string[], width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const item of items) {
    const next = current ? `${current}, ${item}` : item;
    if (next.length > width && current) {
      lines.push(`${current},`);
      current = item;
    } else {
      current = next;
    }
  }
  if (current) lines.push(current);
  return lines;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
