import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseSimulationArgs, replayCommand } from '../../simulation/parseSimulationArgs.js';
import type { SimulationReport } from '../../simulation/SimulationReport.js';

const simulate = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', ...args], { encoding: 'utf8' });

describe('npm start (scripts/simulate.ts)', () => {
  it('prints a machine report with --json and exits 0 when every invariant holds', () => {
    const run = simulate('--jobs', '120', '--seed', '3', '--json', '--quiet');

    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as SimulationReport;
    expect(report).toMatchObject({ ok: true, seed: 3, jobs: 120 });
    expect(report.systems.map((s) => s.system)).toEqual(['runpod-callbacks', 'job-api', 'pipeline', 'ecs-dispatch']);
    expect(Object.keys(report.latency)).toContain('runpod-webhook');
  });

  it('exits 1 when an invariant breaks, and says which', () => {
    const run = simulate('--jobs', '200', '--scenario', 'upscaling', '--sabotage', 'unconditional-claim', '--quiet');

    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}runpod-callbacks: duplicates never reached Step Functions/);
    expect(run.stdout).toMatch(/BROKEN: \d+ of \d+ invariants do not hold/);
  });

  it('prints plain progress lines when stderr is not a terminal', () => {
    const run = simulate('--jobs', '100', '--scenario', 'ecs-dispatch');

    expect(run.stderr).toMatch(/^progress +\d+% /m);
    expect(run.stderr).not.toContain('\r');
  });

  it('refuses a bad flag with exit 2 and the usage', () => {
    const run = simulate('--lost-rate', '2');

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--lost-rate must be a probability in [0, 1], got "2"');
    expect(run.stderr).toContain('Usage: npm start');
  });
});

describe('parseSimulationArgs', () => {
  it('reads jobs, seed, scenarios and fault rates', () => {
    const args = parseSimulationArgs(['--jobs', '10', '--seed', '9', '--scenario', 'upscaling,job-api', '--no-faults', '--crash-rate', '0.5']);

    expect(args).toMatchObject({ jobs: 10, seed: 9, scenarios: ['upscaling', 'job-api'] });
    expect(args.faults.crash).toBe(0.5);
    expect(args.faults.duplicate).toBe(0);
  });

  it('refuses a non-integer job count', () => {
    expect(() => parseSimulationArgs(['--jobs', '1e3'])).toThrow('--jobs must be an integer ≥ 1, got "1e3"');
  });
});

describe('replayCommand', () => {
  it('prints the flags that parse back to the same run, rates to the last digit', () => {
    const run = {
      jobs: 80,
      seed: 776350313,
      scenarios: ['ecs-dispatch', 'job-api'],
      faults: { duplicate: 1.6301253774669792e-56, late: 0.1999999999999998, lost: 0, jobFailure: 5e-324, sfnOutage: 0.3, crash: 0.02, providerDown: 0.2, capacity: 0.49999999999999956, interruption: 0, redelivery: 1, abort: 0.05, refusal: 0 },
    };

    const line = replayCommand(run);
    const parsed = parseSimulationArgs(line.replace(/^npm start -- /, '').split(' '));

    expect(line.startsWith('npm start -- --jobs 80 --seed 776350313 --scenario ecs-dispatch,job-api ')).toBe(true);
    expect(parsed).toMatchObject(run);
  });
});
