import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FAULTS } from '../../simulation/FaultRates.js';
import { parseSimulationArgs } from '../../simulation/parseSimulationArgs.js';
import { callbackPaths, renderHtmlReport } from '../../simulation/report/htmlReport.js';
import { buildSeries, MAX_BINS } from '../../simulation/report/RunSeries.js';
import { runSimulation } from '../../simulation/runSimulation.js';
import { SCENARIOS } from '../../simulation/scenarios/catalog.js';
import type { SimulationReport } from '../../simulation/SimulationReport.js';
import type { SystemReport } from '../../simulation/SystemReport.js';

let report: SimulationReport;

beforeAll(async () => {
  report = await runSimulation({ jobs: 150, seed: 11, faults: DEFAULT_FAULTS, scenarios: SCENARIOS });
});

const headings = (html: string) => [...html.matchAll(/<h([12])[^>]*>([^<]*)<\/h\1>/g)].map((m) => m[2]);

describe('the HTML simulation report', () => {
  it('has the verdict, every invariant, every system and the plots, in one file that fetches nothing', () => {
    const html = renderHtmlReport(report);

    expect(headings(html)).toEqual(['Baton simulation report', 'Invariants', 'Systems', 'Callbacks by path', 'Events over simulated time', 'DynamoDB writes per partition key', 'Handler latency']);
    for (const row of report.partitionWrites.rows) expect(html).toContain(`<th scope="row">${row.name}</th>`);
    expect(html).toContain(`OK: all ${report.invariants.length} invariants hold`);
    expect(html.match(/<td class="verdict">PASS<\/td>/g)).toHaveLength(report.invariants.length);
    for (const s of report.systems) expect(html).toContain(`<th scope="row">${s.system}</th>`);
    const plots = 1 + 1 + (report.series.firstMinutes ? 1 : 0) + Object.keys(report.series.calls).length + Object.keys(report.series.latency.counts).length;
    expect(html.match(/<svg /g)).toHaveLength(plots);
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//);
  });

  it('says BROKEN and marks the invariant that failed', async () => {
    const broken = await runSimulation({
      jobs: 60,
      seed: 2,
      faults: DEFAULT_FAULTS,
      scenarios: SCENARIOS.filter((s) => s.name === 'job-api'),
      tamper: (systems) => systems.map((s) => ({ ...s, invariants: [{ name: 'planted', holds: false, detail: 'a <b>planted</b> failure' }] })),
    });

    const html = renderHtmlReport(broken);

    expect(html).toMatch(/BROKEN: 1 of \d+ invariants do not hold/);
    expect(html).toContain('<tr class="fail"><td>job-api</td><td>planted</td><td class="verdict">FAIL</td><td>a &lt;b&gt;planted&lt;/b&gt; failure</td></tr>');
  });

  it('plots callbacks by path, with the reconciler when a system reports it', () => {
    const upscaling = report.systems.find((s) => s.system === 'runpod-callbacks')!;
    const noReconcile: SystemReport = {
      ...upscaling,
      details: Object.fromEntries(Object.entries(upscaling.details).filter(([k]) => !/reconcil/i.test(k))),
    };
    const withReconcile: SystemReport = { ...noReconcile, details: { ...noReconcile.details, 'resumed by reconcile': 4 } };

    expect(callbackPaths(noReconcile)?.map((b) => b.label)).toEqual(['first delivery', 'duplicate (absorbed)', 'redrive']);
    expect(callbackPaths(upscaling)?.map((b) => b.label)).toEqual(['first delivery', 'duplicate (absorbed)', 'redrive', 'reconcile']);
    expect(callbackPaths(upscaling)?.at(-1)?.value).toBe(upscaling.details['recovered by reconciler']);
    expect(callbackPaths(withReconcile)?.find((b) => b.label === 'reconcile')?.value).toBe(4);
    expect(callbackPaths(report.systems.find((s) => s.system === 'ecs-dispatch')!)).toBeUndefined();
    const upscalingPaths = callbackPaths(upscaling)!;
    expect(upscalingPaths[0]!.value + upscalingPaths[2]!.value).toBeGreaterThan(0);
  });
});

describe('the series behind the plots', () => {
  it('bins per-minute counts into whole-minute bins, at most MAX_BINS, losing none', () => {
    const start = Date.UTC(2026, 0, 6);
    const minute = (m: number) => Math.floor(start / 60_000) + m;
    const events = new Map([[minute(0), 3], [minute(5), 2], [minute(999), 7]]);
    const calls = new Map([['h', new Map([[minute(1), 1], [minute(999), 1]])]]);

    const series = buildSeries(start, start + 999 * 60_000, events, calls, { h: [1, 2] });

    expect(series.binSeconds).toBe(9 * 60);
    expect(series.events.length).toBeLessThanOrEqual(MAX_BINS);
    expect(series.events.reduce((a, b) => a + b, 0)).toBe(12);
    expect(series.events[0]).toBe(5);
    expect(series.events.at(-1)).toBe(7);
    expect(series.calls.h!.reduce((a, b) => a + b, 0)).toBe(2);
    expect(series.firstMinutes?.slice(0, 6)).toEqual([3, 0, 0, 0, 0, 2]);
    expect(series.firstMinutes).toHaveLength(MAX_BINS);
  });

  it('comes with every run: events and handler calls over simulated time, latency histograms', () => {
    const { series } = report;

    expect(series.events.reduce((a, b) => a + b, 0)).toBe(report.events);
    for (const [name, summary] of Object.entries(report.latency)) {
      expect(series.calls[name]!.reduce((a, b) => a + b, 0), name).toBe(summary.calls);
      expect(series.latency.counts[name]!.reduce((a, b) => a + b, 0), name).toBe(summary.calls);
    }
  });
});

describe('npm start -- --html', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-report-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes the report page and still prints the summary', async () => {
    const file = join(dir, 'report.html');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', '--jobs', '80', '--quiet', '--html', file], { encoding: 'utf8' });

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/OK: all \d+ invariants hold/);
    expect(run.stderr).toContain(`HTML report written to ${file}`);
    expect(await readFile(file, 'utf8')).toContain('<h1>Baton simulation report</h1>');
  });

  it('refuses --html without a file name', () => {
    expect(() => parseSimulationArgs(['--html'])).toThrow("'--html <value>' argument missing");
    expect(() => parseSimulationArgs(['--html', ' '])).toThrow('--html needs a file name');
    expect(parseSimulationArgs(['--html', 'out/report.html']).html).toBe('out/report.html');
  });
});
