import type { FaultRates } from './FaultRates.js';
import type { InvariantResult } from './Invariant.js';
import type { LatencySummary } from './LatencyRecorder.js';
import type { RunSeries } from './report/RunSeries.js';
import type { SystemReport } from './SystemReport.js';
import type { PartitionWritesSummary } from './writes/PartitionWrites.js';

/** Everything a run found; `--json` prints exactly this. */
export interface SimulationReport {
  readonly ok: boolean;
  readonly seed: number;
  readonly jobs: number;
  readonly scenarios: readonly string[];
  /** Present when a bug was planted on purpose (`--sabotage`). */
  readonly sabotage?: string;
  readonly faults: FaultRates;
  readonly systems: readonly SystemReport[];
  /** Every invariant of every system, prefixed with the system's name. */
  readonly invariants: readonly InvariantResult[];
  /** Virtual time the run covered. */
  readonly simulatedSeconds: number;
  readonly events: number;
  /** Shards of the callbacks table's sparse indexes the write measurement assumed. */
  readonly callbackIndexShards: number;
  /** DynamoDB writes per partition key per simulated second: the hottest key of each table and index. */
  readonly partitionWrites: PartitionWritesSummary;
  /** SHA-256 of everything the seed determines: two runs with the same seed and flags print the same one. */
  readonly fingerprint: string;
  /** Wall-clock measurements (not determined by the seed). */
  readonly wall: {
    readonly ms: number;
    /** CPU time of the process during the run (user + system): the run's cost on a machine it shares. */
    readonly cpuMs: number;
    readonly jobsPerSecond: number;
    readonly eventsPerSecond: number;
    readonly heapUsedMb: number;
    readonly rssMb: number;
  };
  /** Wall time of the real handler calls, by handler. */
  readonly latency: Readonly<Record<string, LatencySummary>>;
  /** Counts over simulated time and latency histograms, for the HTML report's plots. */
  readonly series: RunSeries;
  /** Log records the handlers wrote, by level. */
  readonly logs: Readonly<Record<'debug' | 'info' | 'warn' | 'error', number>>;
}
