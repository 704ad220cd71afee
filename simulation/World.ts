import type { Clock } from '../application/ports/Clock.js';
import { CountingLog } from './CountingLog.js';
import type { FaultRates } from './FaultRates.js';
import { LatencyRecorder } from './LatencyRecorder.js';
import { Prng } from './Prng.js';
import { Scheduler } from './Scheduler.js';

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
  /** A deliberate bug to plant (`--sabotage`), proving the invariants can fail. */
  readonly sabotage: Sabotage | undefined;
}

/** Bugs the simulation can plant in the system under test. */
export const SABOTAGES = ['unconditional-claim', 'order-bound-status', 'no-reconcile', 'no-execution-events'] as const;
export type Sabotage = (typeof SABOTAGES)[number];

export function createWorld(seed: number, faults: FaultRates, sabotage?: Sabotage, start = '2026-01-06T00:00:00Z'): World {
  const scheduler = new Scheduler(start);
  return {
    scheduler,
    clock: scheduler.clock,
    prng: new Prng(seed),
    faults,
    latency: new LatencyRecorder(() => scheduler.nowMs()),
    log: new CountingLog(),
    sabotage,
  };
}
