import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FaultRates } from './FaultRates.js';
import { invariant } from './Invariant.js';
import { Prng } from './Prng.js';
import { buildSeries } from './report/RunSeries.js';
import type { RunLimits } from './Scheduler.js';
import type { ScenarioDefinition } from './ScenarioDefinition.js';
import type { SimulationReport } from './SimulationReport.js';
import type { Scenario, SystemReport } from './SystemReport.js';
import { createWorld, type Sabotage } from './World.js';
import { partitionWriteInvariant } from './writes/PartitionWrites.js';

export interface SimulationOptions {
  readonly jobs: number;
  readonly seed: number;
  readonly faults: FaultRates;
  readonly scenarios: readonly ScenarioDefinition[];
  /** Called now and then with jobs done / planned and the virtual time (ms since the start). */
  readonly onProgress?: (done: number, total: number, simulatedMs: number) => void;
  /** Plants a known bug in the system under test (see `SABOTAGES`); the run must then fail. */
  readonly sabotage?: Sabotage;
  /** Tests use this to break a guarantee on purpose and see the checker catch it. */
  readonly tamper?: (systems: SystemReport[]) => SystemReport[];
  /** Where a run that never drains is cut off (default: `defaultLimits(jobs)`). */
  readonly limits?: RunLimits;
  /** Shards of the callbacks table's sparse indexes the write measurement assumes (`CALLBACK_INDEX_SHARDS`). */
  readonly callbackIndexShards?: number;
}

/**
 * Generous bounds: a normal run needs under 10 events per job, and a simulated week plus the
 * time its slowest arrivals take (the pipeline starts 14 executions a simulated day: 1.7 h per
 * job when it runs alone). A run past them has a system that keeps itself busy.
 */
function defaultLimits(jobs: number): RunLimits {
  return { maxEvents: 100_000 + 1_000 * jobs, maxSimulatedMs: 30 * 86_400_000 + jobs * 2 * 3_600_000 };
}

/**
 * Runs the chosen scenarios together in one simulated world (shared virtual clock, seeded
 * generator, fault rates) until no event is left, then checks every invariant.
 *
 * @example
 * const report = await runSimulation({ jobs: 500, seed: 7, faults: DEFAULT_FAULTS, scenarios: SCENARIOS });
 * if (!report.ok) process.exitCode = 1;
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const world = createWorld(options.seed, options.faults, options.sabotage, undefined, options.callbackIndexShards);
  const startMs = world.scheduler.nowMs();
  const shares = allocate(options.jobs, options.scenarios);
  // Each scenario draws from its own stream, named by the seed and the scenario: a change to one
  // system's scenario does not reshuffle another's run, and a scenario run alone replays as it
  // ran among the others.
  const scenarios: Scenario[] = options.scenarios.map((d, i) => d.create({ ...world, prng: Prng.named(options.seed, d.name) }, shares[i]!));
  for (const s of scenarios) s.start();

  const progress = (): void => {
    let done = 0;
    let total = 0;
    for (const s of scenarios) {
      const p = s.progress();
      done += p.done;
      total += p.total;
    }
    options.onProgress?.(done, total, world.scheduler.nowMs() - startMs);
  };
  const eventsPerMinute = new Map<number, number>();
  const end = await world.scheduler.run((n) => {
    const minute = Math.floor(world.scheduler.nowMs() / 60_000);
    eventsPerMinute.set(minute, (eventsPerMinute.get(minute) ?? 0) + 1);
    if (n % 2000 === 0) progress();
  }, options.limits ?? defaultLimits(options.jobs));
  progress();
  // Read before the reports: a stalled system is named by what it still had to do.
  const stuck = scenarios.filter((s) => s.busy()).map((s) => `${s.system} still busy`);

  let systems: SystemReport[] = [];
  for (const s of scenarios) systems.push(await s.report());
  if (options.tamper) systems = options.tamper(systems);
  const partitionWrites = world.writes.summary();
  const invariants = [
    invariant('simulation: the run finished (no system kept it going)', end.type === 'stalled' ? [`stopped: ${end.reason}`, ...stuck] : [], `${world.scheduler.eventsProcessed} events, queue drained`),
    ...systems.flatMap((s) => s.invariants.map((i) => ({ ...i, name: `${s.system}: ${i.name}` }))),
    partitionWriteInvariant(partitionWrites),
  ];
  const simulatedSeconds = Math.round((world.scheduler.nowMs() - startMs) / 1000);
  const events = world.scheduler.eventsProcessed;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ seed: options.seed, jobs: options.jobs, faults: options.faults, sabotage: options.sabotage, systems, simulatedSeconds, events, partitionWrites }))
    .digest('hex');
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const memory = process.memoryUsage();
  return {
    ok: invariants.every((i) => i.holds),
    seed: options.seed,
    jobs: options.jobs,
    scenarios: options.scenarios.map((d) => d.name),
    ...(options.sabotage ? { sabotage: options.sabotage } : {}),
    faults: options.faults,
    systems,
    invariants,
    simulatedSeconds,
    events,
    callbackIndexShards: world.writes.callbackIndexShards,
    partitionWrites,
    fingerprint,
    wall: {
      ms: Math.round(ms),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      jobsPerSecond: Math.round(options.jobs / (ms / 1000)),
      eventsPerSecond: Math.round(events / (ms / 1000)),
      heapUsedMb: Math.round(memory.heapUsed / 2 ** 20),
      rssMb: Math.round(memory.rss / 2 ** 20),
    },
    latency: world.latency.summary(),
    series: buildSeries(startMs, world.scheduler.nowMs(), eventsPerMinute, world.latency.callsPerMinute(), world.latency.histograms()),
    logs: {
      debug: world.log.count('debug'),
      info: world.log.count('info'),
      warn: world.log.count('warn'),
      error: world.log.count('error'),
    },
  };
}

/** Splits `jobs` by weight, every scenario getting at least one, the total exact. */
export function allocate(jobs: number, scenarios: readonly ScenarioDefinition[]): number[] {
  const weight = scenarios.reduce((sum, s) => sum + s.weight, 0);
  const shares = scenarios.map((s) => Math.max(1, Math.floor((jobs * s.weight) / weight)));
  const rest = jobs - shares.reduce((a, b) => a + b, 0);
  if (shares.length > 0) shares[0] = Math.max(1, shares[0]! + rest);
  return shares;
}
