import type { Clock } from '../application/ports/Clock.js';
import { CountingLog } from './CountingLog.js';
import type { FaultRates } from './FaultRates.js';
import { LatencyRecorder } from './LatencyRecorder.js';
import { Prng } from './Prng.js';
import { Scheduler } from './Scheduler.js';
import { DynamoDbWrites, DEFAULT_SIMULATED_SHARDS } from './writes/DynamoDbWrites.js';

/**
 * What every simulated system shares: virtual time, the seeded generator, the fault rates, the
 * measurements. Each system keeps its own metrics, so one system's counters never blur another's.
 */
export interface World {
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  readonly prng: Prng;
  readonly faults: FaultRates;
  readonly latency: LatencyRecorder;
  readonly log: CountingLog;
  /**
   * The DynamoDB write load the stores would put on their tables: every store a system builds is
   * wrapped here (`world.writes.callbackMappings(store)`…), so writes are counted per partition key.
   */
  readonly writes: DynamoDbWrites;
  /** A deliberate bug to plant (`--sabotage`), proving the invariants can fail. */
  readonly sabotage: Sabotage | undefined;
}

/** Bugs the simulation can plant in the system under test. */
export const SABOTAGES = ['unconditional-claim', 'order-bound-status', 'no-reconcile', 'no-execution-events'] as const;
export type Sabotage = (typeof SABOTAGES)[number];

export function createWorld(
  seed: number,
  faults: FaultRates,
  sabotage?: Sabotage,
  start = '2026-01-06T00:00:00Z',
  callbackIndexShards = DEFAULT_SIMULATED_SHARDS,
): World {
  const scheduler = new Scheduler(start);
  return {
    writes: new DynamoDbWrites(() => scheduler.nowMs(), callbackIndexShards),
    scheduler,
    clock: scheduler.clock,
    prng: new Prng(seed),
    faults,
    latency: new LatencyRecorder(() => scheduler.nowMs()),
    log: new CountingLog(),
    sabotage,
  };
}
