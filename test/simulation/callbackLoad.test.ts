import { describe, expect, it } from 'vitest';
import { DEFAULT_CALLBACK_INDEX_SHARDS } from '../../adapters/dynamodb/callbackItem.js';
import { NO_FAULTS } from '../../simulation/FaultRates.js';
import { runSimulation } from '../../simulation/runSimulation.js';
import { callbackLoad } from '../../simulation/scenarios/upscaling.js';
import { partitionInvariantName } from '../../simulation/writes/PartitionWrites.js';

/** A few thousand segments at the load rate: under a second of arrivals, enough to heat one partition. */
const load = (callbackIndexShards: number) =>
  runSimulation({ jobs: 3000, seed: 16, faults: { ...NO_FAULTS, duplicate: 0.1 }, scenarios: [callbackLoad], callbackIndexShards });

describe('the callback load run (10,000 segments a simulated second)', () => {
  it('trips "no partition key over 1,000 writes/s" with the unsharded layout, naming the hot index partition', async () => {
    const report = await load(1);

    const verdict = report.invariants.find((i) => i.name === partitionInvariantName());
    expect(verdict?.holds).toBe(false);
    expect(verdict?.detail).toMatch(/^\d violation\(s\): callbacks · (reconcile key PENDING|redrive key ACCEPTED)(#0)?: [\d,]+ writes in simulated second \d/);
    // Only the write rate is broken: every callback still resumed exactly once.
    expect(report.invariants.filter((i) => !i.holds).map((i) => i.name)).toEqual([partitionInvariantName()]);
    const redrive = report.partitionWrites.rows.find((r) => r.name === 'callbacks · redrive')!;
    expect(redrive.hottest!.writes).toBeGreaterThan(1000);
  });

  it(`holds with the default layout (${DEFAULT_CALLBACK_INDEX_SHARDS} shards): the same index writes, spread over the shards`, async () => {
    const report = await load(DEFAULT_CALLBACK_INDEX_SHARDS);

    expect(report.invariants.filter((i) => !i.holds)).toEqual([]);
    for (const [name, key] of [['callbacks · redrive', /^ACCEPTED#\d+$/], ['callbacks · reconcile', /^PENDING#\d+$/]] as const) {
      const row = report.partitionWrites.rows.find((r) => r.name === name)!;
      expect(row.hottest!.key).toMatch(key);
      expect(row.hottest!.writes).toBeLessThanOrEqual(1000);
      // The index as a whole takes more than one partition could: the shards are what keeps it in.
      expect(row.busiestSecond.writes).toBeGreaterThan(1000);
    }
  });
});
