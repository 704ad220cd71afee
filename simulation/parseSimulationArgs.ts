import { parseArgs } from 'node:util';
import { DEFAULT_FAULTS, FAULT_LIMITS, NO_FAULTS, type FaultRates } from './FaultRates.js';
import { SABOTAGES, type Sabotage } from './World.js';
import { isCallbackIndexShards, MAX_CALLBACK_INDEX_SHARDS } from '../adapters/dynamodb/callbackItem.js';
import { DEFAULT_SIMULATED_SHARDS } from './writes/DynamoDbWrites.js';

export interface SimulationArgs {
  readonly jobs: number;
  readonly seed: number;
  readonly faults: FaultRates;
  readonly scenarios: readonly string[] | 'all';
  readonly json: boolean;
  /** Also write the report as one self-contained HTML file here. */
  readonly html: string | undefined;
  readonly quiet: boolean;
  readonly help: boolean;
  readonly sabotage: Sabotage | undefined;
  /** Shards of the callbacks table's sparse indexes the write measurement assumes; undefined: the default. */
  readonly callbackIndexShards: number | undefined;
}

/** Fault-rate flags and the field each sets. */
const FAULT_FLAGS: Readonly<Record<string, keyof FaultRates>> = {
  'duplicate-rate': 'duplicate',
  'late-rate': 'late',
  'lost-rate': 'lost',
  'failure-rate': 'jobFailure',
  'sfn-outage-rate': 'sfnOutage',
  'crash-rate': 'crash',
  'provider-down-rate': 'providerDown',
  'capacity-rate': 'capacity',
  'interruption-rate': 'interruption',
  'redelivery-rate': 'redelivery',
  'abort-rate': 'abort',
  'refusal-rate': 'refusal',
};

export const USAGE = `Usage: npm start -- [options]

Runs every Baton system on in-memory adapters in one simulated world (virtual clock,
seeded faults), checks the guarantees, and exits 1 if any is broken.

  --jobs N              jobs in total, shared between the scenarios (default 1000)
  --seed N              seed of the run; the same seed and flags replay the same run (default 42)
  --scenario NAME       run only this scenario (repeatable, or comma-separated); default all
  --json                print the machine-readable report on stdout instead of the summary
  --html FILE           also write the report as one self-contained HTML page with plots
  --quiet               no progress bar
  --no-faults           every fault rate 0
${Object.entries(FAULT_FLAGS)
  .map(([flag, field]) => `  --${flag.padEnd(20)}probability in [0,1] (default ${DEFAULT_FAULTS[field]}, guaranteed up to ${FAULT_LIMITS[field]})`)
  .join('\n')}
  --callback-index-shards N
                        shards of the callbacks table's redrive/reconcile indexes the write
                        measurement assumes (CALLBACK_INDEX_SHARDS; default ${DEFAULT_SIMULATED_SHARDS})
  --sabotage BUG        plant a known bug to watch the invariants catch it: ${SABOTAGES.join(', ')}
  --help                this text`;

/** Parses the CLI flags; throws an Error with a readable message for a bad value. */
export function parseSimulationArgs(argv: readonly string[]): SimulationArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      jobs: { type: 'string' },
      seed: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'no-faults': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      sabotage: { type: 'string' },
      'callback-index-shards': { type: 'string' },
      ...Object.fromEntries(Object.keys(FAULT_FLAGS).map((f) => [f, { type: 'string' as const }])),
    },
  });
  const faults: Record<keyof FaultRates, number> = { ...(values['no-faults'] ? NO_FAULTS : DEFAULT_FAULTS) };
  for (const [flag, field] of Object.entries(FAULT_FLAGS)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw === 'string') faults[field] = rate(flag, raw);
  }
  const scenarios = (values.scenario as string[] | undefined)?.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  return {
    jobs: integer('jobs', values.jobs as string | undefined, 1000, 1),
    seed: integer('seed', values.seed as string | undefined, 42, 0),
    faults,
    scenarios: !scenarios || scenarios.length === 0 || scenarios.includes('all') ? 'all' : scenarios,
    json: values.json === true,
    html: htmlPath(values.html as string | undefined),
    quiet: values.quiet === true,
    help: values.help === true,
    sabotage: sabotageOf(values.sabotage as string | undefined),
    callbackIndexShards: shardsOf(values['callback-index-shards'] as string | undefined),
  };
}

function shardsOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const shards = integer('callback-index-shards', raw, DEFAULT_SIMULATED_SHARDS, 1);
  if (!isCallbackIndexShards(shards)) throw new Error(`--callback-index-shards must be at most ${MAX_CALLBACK_INDEX_SHARDS}, got "${raw}"`);
  return shards;
}

function htmlPath(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '' || raw.startsWith('-')) throw new Error(`--html needs a file name, got "${raw}"`);
  return raw;
}

function sabotageOf(raw: string | undefined): Sabotage | undefined {
  if (raw === undefined) return undefined;
  if (!(SABOTAGES as readonly string[]).includes(raw)) throw new Error(`--sabotage must be one of ${SABOTAGES.join(', ')}, got "${raw}"`);
  return raw as Sabotage;
}

function integer(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new Error(`--${flag} must be an integer ≥ ${min}, got "${raw}"`);
  }
  return Number(raw);
}

function rate(flag: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new Error(`--${flag} must be a probability in [0, 1], got "${raw}"`);
  return n;
}

/**
 * The `npm start` line that replays a run: same jobs, seed, scenarios and every fault rate.
 * Rates print in full (`String(n)` round-trips a double), so the replay is the same run.
 *
 * @example
 * replayCommand({ jobs: 80, seed: 7, faults: NO_FAULTS, scenarios: 'all' }) // 'npm start -- --jobs 80 --seed 7 --duplicate-rate 0 …'
 */
export function replayCommand(
  run: Pick<SimulationArgs, 'jobs' | 'seed' | 'faults' | 'scenarios'> & { readonly sabotage?: Sabotage | undefined; readonly callbackIndexShards?: number | undefined },
): string {
  const flags = [`--jobs ${run.jobs}`, `--seed ${run.seed}`];
  if (run.scenarios !== 'all') flags.push(`--scenario ${run.scenarios.join(',')}`);
  for (const [flag, field] of Object.entries(FAULT_FLAGS)) flags.push(`--${flag} ${String(run.faults[field])}`);
  if (run.sabotage) flags.push(`--sabotage ${run.sabotage}`);
  if (run.callbackIndexShards !== undefined && run.callbackIndexShards !== DEFAULT_SIMULATED_SHARDS) {
    flags.push(`--callback-index-shards ${run.callbackIndexShards}`);
  }
  return `npm start -- ${flags.join(' ')}`;
}
