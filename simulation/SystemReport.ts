import type { InvariantResult } from './Invariant.js';

/** What one simulated system did, and which of its guarantees held. */
export interface SystemReport {
  /** Short name: `runpod-callbacks`, `job-api`, `pipeline`, `ecs-dispatch`. */
  readonly system: string;
  readonly title: string;
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
  /** Work attempted again: webhook redeliveries, SQS redeliveries, launch fallbacks, redrives. */
  readonly retried: number;
  /** Repeated deliveries that the system recognised and did not act on twice. */
  readonly duplicatesAbsorbed: number;
  /** System-specific counts (outages, capacity errors, quota refusals…). */
  readonly details: Readonly<Record<string, number>>;
  readonly invariants: readonly InvariantResult[];
}

/** A system the run scenario drives. */
export interface Scenario {
  readonly system: string;
  /** Schedules the system's first events. */
  start(): void;
  /** Jobs finished (any terminal state) and planned, for the progress bar. */
  progress(): { readonly done: number; readonly total: number };
  /** True while work is outstanding: keeps periodic schedules (redrive, pollers) going. */
  busy(): boolean;
  /** Called once after the last event. */
  report(): SystemReport | Promise<SystemReport>;
}
