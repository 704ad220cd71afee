import { describe, expect, it } from 'vitest';
import { DEFAULT_FAULTS, NO_FAULTS, type FaultRates } from '../../simulation/FaultRates.js';
import { allocate, runSimulation } from '../../simulation/runSimulation.js';
import type { ScenarioDefinition } from '../../simulation/ScenarioDefinition.js';
import { SCENARIOS } from '../../simulation/scenarios/catalog.js';

/** Every fault well above its default, so a small run meets each of them many times. */
const HARSH: FaultRates = {
  duplicate: 0.4,
  late: 0.2,
  lost: 0.3,
  jobFailure: 0.15,
  sfnOutage: 0.3,
  crash: 0.1,
  providerDown: 0.1,
  capacity: 0.5,
  redelivery: 0.3,
  interruption: 0.1,
  abort: 0.1,
  refusal: 0.02,
};

const run = (seed: number, faults: FaultRates = HARSH, jobs = 300) => runSimulation({ jobs, seed, faults, scenarios: SCENARIOS });

describe('the simulation', () => {
  it.each([1, 2, 3])('keeps every guarantee under harsh faults (seed %i)', async (seed) => {
    const report = await run(seed);

    expect(report.invariants.filter((i) => !i.holds)).toEqual([]);
    expect(report.ok).toBe(true);
    for (const system of report.systems) expect(system.completed + system.failed).toBeGreaterThan(0);
  });

  it('meets the faults it was asked for', async () => {
    const report = await run(4);

    const callbacks = report.systems.find((s) => s.system === 'runpod-callbacks')!;
    expect(callbacks.duplicatesAbsorbed).toBeGreaterThan(0);
    expect(callbacks.details['lost deliveries']).toBeGreaterThan(0);
    expect(callbacks.details['Step Functions outages']).toBeGreaterThan(0);
    expect(callbacks.details['resumed by redrive']).toBeGreaterThan(0);
    expect(callbacks.details['webhooks before submit answered']).toBeGreaterThan(0);
  });

  it('replays the same run for the same seed, and another for another seed', async () => {
    const a = await run(11, DEFAULT_FAULTS, 200);
    const b = await run(11, DEFAULT_FAULTS, 200);
    const c = await run(12, DEFAULT_FAULTS, 200);

    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.systems).toEqual(b.systems);
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  it('finishes every job without faults', async () => {
    const report = await run(5, NO_FAULTS, 200);

    expect(report.ok).toBe(true);
    for (const s of report.systems) {
      expect(s.retried).toBe(0);
      expect(s.duplicatesAbsorbed).toBe(0);
    }
  });

  it('catches a planted bug: an unconditional claim lets duplicates resume again', async () => {
    const report = await runSimulation({ jobs: 300, seed: 6, faults: HARSH, scenarios: SCENARIOS, sabotage: 'unconditional-claim' });

    expect(report.ok).toBe(false);
    const broken = report.invariants.filter((i) => !i.holds).map((i) => i.name);
    expect(broken).toContain('runpod-callbacks: duplicates never reached Step Functions');
  });

  it.each([
    ['no-reconcile', 'runpod-callbacks: nothing waits past its deadline for finished work (lost webhooks recovered)'],
    ['no-execution-events', 'runpod-callbacks: no paid compute outlives its execution'],
  ] as const)('catches a misdeployment: %s breaks "%s"', async (sabotage, invariantName) => {
    const report = await runSimulation({ jobs: 300, seed: 7, faults: HARSH, scenarios: SCENARIOS.filter((s) => s.name === 'upscaling'), sabotage });

    expect(report.invariants.filter((i) => !i.holds).map((i) => i.name)).toContain(invariantName);
  });

  it('meets lost webhooks, aborted executions and permanent refusals, and recovers from each', async () => {
    const report = await runSimulation({ jobs: 300, seed: 8, faults: HARSH, scenarios: SCENARIOS.filter((s) => s.name === 'upscaling') });

    const d = report.systems[0]!.details;
    expect(report.ok).toBe(true);
    expect(d['webhooks lost for good']).toBeGreaterThan(0);
    expect(d['recovered by reconciler']).toBeGreaterThan(0);
    expect(d['executions aborted']).toBeGreaterThan(0);
    expect(d['RunPod jobs cancelled']).toBeGreaterThan(0);
    expect(d['resumes refused for good']).toBeGreaterThan(0);
  });

  it('catches a planted bug: a completion refused for overtaking its processing report leaves the job stuck', async () => {
    const report = await runSimulation({
      jobs: 1000,
      seed: 42,
      faults: DEFAULT_FAULTS,
      scenarios: SCENARIOS.filter((s) => s.name === 'job-api'),
      sabotage: 'order-bound-status',
    });

    expect(report.ok).toBe(false);
    expect(report.invariants.filter((i) => !i.holds).map((i) => i.name)).toContain('job-api: every accepted job ended in exactly one terminal state');
  });

  it('ends a run that a system keeps going as a failed invariant naming that system', async () => {
    const endless: ScenarioDefinition = {
      name: 'endless',
      title: 'a poller that never stops',
      weight: 1,
      create: (world) => ({
        system: 'endless',
        start: () => world.scheduler.every(1, () => undefined, () => true),
        progress: () => ({ done: 0, total: 1 }),
        busy: () => true,
        report: () => ({ system: 'endless', title: '', submitted: 1, completed: 0, failed: 0, retried: 0, duplicatesAbsorbed: 0, details: {}, invariants: [] }),
      }),
    };

    const report = await runSimulation({ jobs: 1, seed: 1, faults: NO_FAULTS, scenarios: [endless], limits: { maxEvents: 500, maxSimulatedMs: 86_400_000 } });

    expect(report.ok).toBe(false);
    expect(report.invariants[0]).toEqual({
      name: 'simulation: the run finished (no system kept it going)',
      holds: false,
      detail: '2 violation(s): stopped: 500 events processed and 1 still queued; endless still busy',
    });
  });

  it('lets a long run finish: 600 jobs of the pipeline alone take some 45 simulated days at 14 executions a day', async () => {
    const report = await runSimulation({ jobs: 600, seed: 8, faults: NO_FAULTS, scenarios: SCENARIOS.filter((s) => s.name === 'pipeline') });

    expect(report.simulatedSeconds).toBeGreaterThan(40 * 86_400);
    expect(report.invariants.filter((i) => !i.holds)).toEqual([]);
  });

  it('fails the run when any invariant fails', async () => {
    const report = await runSimulation({
      jobs: 50,
      seed: 7,
      faults: NO_FAULTS,
      scenarios: SCENARIOS,
      tamper: (systems) => systems.map((s, i) => (i === 0 ? { ...s, invariants: [...s.invariants, { name: 'planted', holds: false, detail: 'x' }] } : s)),
    });

    expect(report.ok).toBe(false);
  });
});

describe('allocate', () => {
  it('shares the jobs by weight, exactly, at least one each', () => {
    const defs = [
      { name: 'a', title: '', weight: 3, create: () => undefined as never },
      { name: 'b', title: '', weight: 1, create: () => undefined as never },
    ];

    expect(allocate(100, defs)).toEqual([75, 25]);
    expect(allocate(1, defs)).toEqual([1, 1]);
  });
});
