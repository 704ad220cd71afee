import { duration } from '../ProgressBar.js';
import type { SimulationReport } from '../SimulationReport.js';
import type { SystemReport } from '../SystemReport.js';
import { areaChart, barChart, esc, fmt, histogram, PALETTE, type Bar } from './svg.js';

/**
 * How a system's callbacks reached Step Functions, from its report's details: resumed by a
 * delivery (the first that got through: "resumed by a delivery"), duplicates absorbed, resumed by
 * the redrive ("resumed by redrive"), and by the reconciler when the system reports one (a detail
 * named "resumed by reconcile…" or "reconciled…"). Undefined for a system that does not report
 * the first two.
 */
export function callbackPaths(system: SystemReport): Bar[] | undefined {
  const d = system.details;
  const redrive = d['resumed by redrive'];
  const delivered = d['resumed by a delivery'];
  if (redrive === undefined || delivered === undefined) return undefined;
  const bars: Bar[] = [{ label: 'first delivery', value: delivered, colour: PALETTE[0] }];
  bars.push({ label: 'duplicate (absorbed)', value: system.duplicatesAbsorbed, colour: PALETTE[7] });
  bars.push({ label: 'redrive', value: redrive, colour: PALETTE[2] });
  const reconcileKeys = Object.keys(d).filter((k) => /^(resumed|settled|failed|recovered) by (the )?reconcil|^reconciled/i.test(k));
  if (reconcileKeys.length > 0) bars.push({ label: 'reconcile', value: reconcileKeys.reduce((sum, k) => sum + d[k]!, 0), colour: PALETTE[4] });
  return bars;
}

/**
 * The simulation report as one self-contained HTML file (`npm start -- --html report.html`):
 * verdict, invariants, per-system counts and SVG plots, styles inline, no script, nothing fetched.
 *
 * @example
 * await writeFile('report.html', renderHtmlReport(await runSimulation(options)));
 */
export function renderHtmlReport(report: SimulationReport): string {
  const failed = report.invariants.filter((i) => !i.holds).length;
  const verdict = report.ok ? `OK: all ${report.invariants.length} invariants hold` : `BROKEN: ${failed} of ${report.invariants.length} invariants do not hold`;
  const series = report.series;
  const t = (bin: number) => duration(bin * series.binSeconds * 1000);
  const binLabel = series.binSeconds >= 3600 ? `${series.binSeconds / 3600} h` : `${series.binSeconds / 60} min`;

  const invariants = report.invariants
    .map((i) => {
      const [system, ...rest] = i.name.split(': ');
      return `<tr class="${i.holds ? 'pass' : 'fail'}"><td>${esc(system)}</td><td>${esc(rest.join(': '))}</td><td class="verdict">${i.holds ? 'PASS' : 'FAIL'}</td><td>${esc(i.detail)}</td></tr>`;
    })
    .join('');

  const systems = report.systems
    .map(
      (s) => `<tr><th scope="row">${esc(s.system)}</th><td>${fmt(s.submitted)}</td><td>${fmt(s.completed)}</td><td>${fmt(s.failed)}</td><td>${fmt(s.retried)}</td><td>${fmt(s.duplicatesAbsorbed)}</td></tr>`,
    )
    .join('');
  const details = report.systems
    .map(
      (s) => `<details><summary>${esc(s.title)}</summary><dl class="details">${Object.entries(s.details)
        .map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${fmt(v)}</dd></div>`)
        .join('')}</dl></details>`,
    )
    .join('');

  const paths = report.systems
    .map((s) => ({ s, bars: callbackPaths(s) }))
    .filter((p): p is { s: SystemReport; bars: Bar[] } => p.bars !== undefined)
    .map(({ s, bars }) => `<figure>${barChart(`Callbacks of ${s.system} by path`, bars)}<figcaption>${esc(s.title)}: how each callback reached Step Functions.</figcaption></figure>`)
    .join('');

  const calls = Object.entries(series.calls)
    .map(
      ([name, values], i) =>
        `<figure class="small">${areaChart(`${name} calls per ${binLabel}`, values, { width: 300, height: 110, from: t(0), to: t(values.length), unit: 'calls', colour: PALETTE[(i + 1) % PALETTE.length] })}<figcaption>${esc(name)}</figcaption></figure>`,
    )
    .join('');

  const latency = Object.entries(series.latency.counts)
    .map(([name, counts]) => {
      const l = report.latency[name];
      const markers = l ? [{ label: 'p50', at: l.p50Ms }, { label: 'p99', at: l.p99Ms }] : [];
      return `<figure class="small">${histogram(`${name} latency`, series.latency.edgesMs, counts, { markers })}<figcaption>${esc(name)}: ${fmt(l?.calls ?? 0)} calls, p50 ${l?.p50Ms ?? '–'} ms, p99 ${l?.p99Ms ?? '–'} ms</figcaption></figure>`;
    })
    .join('');
  const latencyTable = Object.entries(report.latency)
    .map(([name, l]) => `<tr><th scope="row">${esc(name)}</th><td>${fmt(l.calls)}</td><td>${l.p50Ms.toFixed(3)}</td><td>${l.p95Ms.toFixed(3)}</td><td>${l.p99Ms.toFixed(3)}</td><td>${l.maxMs.toFixed(3)}</td></tr>`)
    .join('');

  const { limit } = report.partitionWrites;
  const writeRows = report.partitionWrites.rows
    .map((r) => {
      const hot = r.hottest;
      const over = hot !== undefined && hot.writes > limit;
      return `<tr class="${over ? 'fail' : ''}"><th scope="row">${esc(r.name)}</th><td><code>${esc(hot?.key ?? '–')}</code></td><td>${fmt(hot?.writes ?? 0)}</td><td>${hot === undefined ? '–' : fmt(hot.second)}</td><td>${fmt(r.busiestSecond.writes)}</td><td>${fmt(r.writes)}</td></tr>`;
    })
    .join('');

  const faults = Object.entries(report.faults)
    .map(([k, v]) => `${esc(k)} ${v}`)
    .join(', ');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baton simulation report: seed ${esc(report.seed)}, ${report.ok ? 'OK' : 'BROKEN'}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>Baton simulation report</h1>
  <p class="verdict-line ${report.ok ? 'pass' : 'fail'}"><strong>${esc(verdict)}</strong></p>
  <p>Seed ${esc(report.seed)}, ${fmt(report.jobs)} jobs, scenarios ${esc(report.scenarios.join(', '))}${report.sabotage ? `, <strong>sabotage ${esc(report.sabotage)}</strong>` : ''}.
  Simulated ${esc(duration(report.simulatedSeconds * 1000))} (${fmt(report.events)} events) in ${fmt(report.wall.ms)} ms of wall time.
  Fingerprint <code>${esc(report.fingerprint.slice(0, 16))}</code>: the same seed and flags give the same one.</p>
</header>
<main>
<section aria-labelledby="invariants">
  <h2 id="invariants">Invariants</h2>
  <div class="scroll"><table class="invariants">
    <thead><tr><th scope="col">system</th><th scope="col">guarantee</th><th scope="col">result</th><th scope="col">what was checked</th></tr></thead>
    <tbody>${invariants}</tbody>
  </table></div>
</section>
<section aria-labelledby="systems">
  <h2 id="systems">Systems</h2>
  <div class="scroll"><table class="numbers">
    <thead><tr><th scope="col">system</th><th scope="col">submitted</th><th scope="col">completed</th><th scope="col">failed</th><th scope="col">retried</th><th scope="col">duplicates absorbed</th></tr></thead>
    <tbody>${systems}</tbody>
  </table></div>
  ${details}
</section>
<section aria-labelledby="paths">
  <h2 id="paths">Callbacks by path</h2>
  ${paths || '<p>No system with callbacks ran.</p>'}
</section>
<section aria-labelledby="timeline">
  <h2 id="timeline">Events over simulated time</h2>
  <figure>${areaChart(`Scheduler events per ${binLabel}`, series.events, { width: 640, height: 170, from: t(0), to: t(series.events.length), unit: 'events' })}
  <figcaption>Every simulated event (deliveries, timers, schedules, handler calls) per ${esc(binLabel)} of simulated time.</figcaption></figure>
  ${series.firstMinutes
    ? `<figure>${areaChart('Scheduler events per minute, first two hours', series.firstMinutes, { width: 640, height: 150, from: t(0), to: duration(series.firstMinutes.length * 60_000), unit: 'events', colour: PALETTE[5] })}
  <figcaption>The start of the run, minute by minute.</figcaption></figure>`
    : ''}
  <h3>Handler calls</h3>
  <div class="grid">${calls}</div>
</section>
<section aria-labelledby="writes">
  <h2 id="writes">DynamoDB writes per partition key</h2>
  <p>The item writes the real DynamoDB adapters would make for the stores' writes, counted per partition key (table and each index) per simulated second;
  a partition takes about ${fmt(limit)} writes a second. Callback index shards: ${fmt(report.callbackIndexShards)}.</p>
  <div class="scroll"><table class="numbers writes">
    <thead><tr><th scope="col">table / index</th><th scope="col">hottest key</th><th scope="col">peak writes/s</th><th scope="col">at second</th><th scope="col">all keys peak/s</th><th scope="col">writes</th></tr></thead>
    <tbody>${writeRows}</tbody>
  </table></div>
</section>
<section aria-labelledby="latency">
  <h2 id="latency">Handler latency</h2>
  <p>Wall time of the real handler calls on in-memory adapters (not determined by the seed), log scale.</p>
  <div class="grid">${latency}</div>
  <div class="scroll"><table class="numbers">
    <thead><tr><th scope="col">handler</th><th scope="col">calls</th><th scope="col">p50 ms</th><th scope="col">p95 ms</th><th scope="col">p99 ms</th><th scope="col">max ms</th></tr></thead>
    <tbody>${latencyTable}</tbody>
  </table></div>
</section>
</main>
<footer>
  <p>Fault rates: ${faults}. Handler logs: ${fmt(report.logs.info)} info, ${fmt(report.logs.warn)} warn, ${fmt(report.logs.error)} error.
  Heap ${esc(report.wall.heapUsedMb)} MiB, RSS ${esc(report.wall.rssMb)} MiB.</p>
</footer>
</body>
</html>
`;
}

const STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --ok: #1a7f37; --bad: #cf222e; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0 auto; max-width: 70rem; padding: 1rem; color: var(--ink); background: #fff; }
h1 { font-size: 1.5rem; margin: 0.2rem 0; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 0.5rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
h3 { font-size: 1rem; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; }
.verdict-line { font-size: 1.1rem; }
.pass .verdict, .verdict-line.pass { color: var(--ok); }
.fail .verdict, .verdict-line.fail { color: var(--bad); }
tr.fail { background: #ffebe9; }
.verdict { font-weight: 700; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
.numbers thead th:not(:first-child) { text-align: right; }
.invariants td:first-child { white-space: nowrap; }
.writes td:nth-child(2) { text-align: left; word-break: break-all; }
details { margin: 0.4rem 0; }
summary { cursor: pointer; }
.details { display: flex; flex-wrap: wrap; gap: 0.2rem 1.2rem; margin: 0.4rem 0 0.4rem 1rem; }
.details div { display: flex; gap: 0.35rem; }
.details dt { color: var(--muted); }
.details dd { margin: 0; font-variant-numeric: tabular-nums; }
figure { margin: 0.5rem 0; }
figcaption { color: var(--muted); font-size: 0.85rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 19rem), 1fr)); gap: 0.5rem 1rem; }
svg.chart { max-width: 100%; height: auto; font: 11px system-ui, sans-serif; fill: var(--ink); }
svg.chart .axis { stroke: var(--muted); stroke-width: 1; }
svg.chart .marker { stroke: var(--bad); stroke-dasharray: 3 2; }
svg.chart .marker-label { fill: var(--bad); }
footer { color: var(--muted); font-size: 0.85rem; margin-top: 2rem; border-top: 1px solid var(--line); }
`;
