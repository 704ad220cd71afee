import { invariant, type InvariantResult } from '../Invariant.js';

/** What DynamoDB gives one partition: about 1,000 write units a second. */
const PARTITION_WRITE_LIMIT = 1000;
/** Keys over the limit named per table or index, at most (the rest are only counted). */
const OVER_LIMIT_KEYS_KEPT = 20;

/** One key's writes in its busiest simulated second. */
export interface KeyPeak {
  readonly key: string;
  readonly writes: number;
  /** The simulated second (from the start of the run) it happened in. */
  readonly second: number;
}

/** A table's items (or one kind of them) or one of its indexes, and the write rates it took. */
export interface PartitionWriteRow {
  /** `callbacks`, `callbacks · redrive`, `jobs (dispatches)`… */
  readonly name: string;
  readonly writes: number;
  /** The key with the most writes in one simulated second over the run; absent without writes. */
  readonly hottest?: KeyPeak;
  /** Every key together, in the busiest second: the table's (or index's) own write rate. */
  readonly busiestSecond: { readonly writes: number; readonly second: number };
  /** Keys that took more than the limit in some second, hottest first (at most 20 named). */
  readonly overLimit: readonly KeyPeak[];
  /** Key-seconds over the limit, all of them. */
  readonly secondsOverLimit: number;
}

export interface PartitionWritesSummary {
  readonly limit: number;
  readonly rows: readonly PartitionWriteRow[];
}

interface RowStats {
  writes: number;
  hottest: KeyPeak | undefined;
  busiestSecond: { writes: number; second: number };
  readonly overLimit: Map<string, KeyPeak>;
  secondsOverLimit: number;
}

/**
 * Writes per DynamoDB partition key, per simulated second, streamed: it holds the current
 * second's count per key and, per table or index, only the running hottest key, the busiest
 * second and the keys that went over the limit — never the writes themselves. Virtual time only
 * moves forward, so when a write lands in a new second the last one is folded into the peaks
 * and forgotten.
 *
 * @example
 * const writes = new PartitionWrites(() => scheduler.nowMs());
 * writes.record('callbacks · redrive', 'ACCEPTED#7');
 * writes.summary().rows[0]?.hottest; // { key: 'ACCEPTED#7', writes: 1, second: 0 }
 */
export class PartitionWrites {
  private readonly startMs: number;
  private second = 0;
  /** Row → key → writes in the current second. */
  private readonly current = new Map<string, Map<string, number>>();
  private readonly stats = new Map<string, RowStats>();

  constructor(
    private readonly nowMs: () => number,
    readonly limit = PARTITION_WRITE_LIMIT,
  ) {
    this.startMs = nowMs();
  }

  /** Lists rows up front, so the summary shows each (in this order) even if nothing wrote to it. */
  declare(rows: readonly string[]): void {
    for (const row of rows) this.rowStats(row);
  }

  /** `n` writes on `key` of `row` now. */
  record(row: string, key: string, n = 1): void {
    const second = Math.floor((this.nowMs() - this.startMs) / 1000);
    if (second !== this.second) {
      this.fold();
      this.second = second;
    }
    let keys = this.current.get(row);
    if (keys === undefined) {
      keys = new Map();
      this.current.set(row, keys);
    }
    keys.set(key, (keys.get(key) ?? 0) + n);
  }

  summary(): PartitionWritesSummary {
    this.fold();
    const rows = [...this.stats.entries()].map(([name, s]): PartitionWriteRow => ({
      name,
      writes: s.writes,
      ...(s.hottest === undefined ? {} : { hottest: s.hottest }),
      busiestSecond: { ...s.busiestSecond },
      overLimit: [...s.overLimit.values()].sort((a, b) => b.writes - a.writes),
      secondsOverLimit: s.secondsOverLimit,
    }));
    return { limit: this.limit, rows };
  }

  /** Folds the current second into the peaks and forgets it. */
  private fold(): void {
    for (const [row, keys] of this.current) {
      const s = this.rowStats(row);
      let total = 0;
      for (const [key, writes] of keys) {
        total += writes;
        if (s.hottest === undefined || writes > s.hottest.writes) s.hottest = { key, writes, second: this.second };
        if (writes > this.limit) {
          s.secondsOverLimit += 1;
          const known = s.overLimit.get(key);
          if (known !== undefined ? writes > known.writes : s.overLimit.size < OVER_LIMIT_KEYS_KEPT) {
            s.overLimit.set(key, { key, writes, second: this.second });
          }
        }
      }
      s.writes += total;
      if (total > s.busiestSecond.writes) s.busiestSecond = { writes: total, second: this.second };
      keys.clear();
    }
  }

  private rowStats(row: string): RowStats {
    let s = this.stats.get(row);
    if (s === undefined) {
      s = { writes: 0, hottest: undefined, busiestSecond: { writes: 0, second: 0 }, overLimit: new Map(), secondsOverLimit: 0 };
      this.stats.set(row, s);
    }
    return s;
  }
}

/** The invariant's name for a limit: `dynamodb: no partition key (table or index) takes more than 1,000 writes in a simulated second`. */
export function partitionInvariantName(limit = PARTITION_WRITE_LIMIT): string {
  return `dynamodb: no partition key (table or index) takes more than ${limit.toLocaleString('en-US')} writes in a simulated second`;
}

/** The hottest key of the whole run, across tables and indexes. */
export function hottestKey(summary: PartitionWritesSummary): (KeyPeak & { readonly row: string }) | undefined {
  let best: (KeyPeak & { readonly row: string }) | undefined;
  for (const row of summary.rows) {
    if (row.hottest !== undefined && (best === undefined || row.hottest.writes > best.writes)) best = { row: row.name, ...row.hottest };
  }
  return best;
}

/** The invariant: no key over the limit in any second; a violation names the key, its writes and the second. */
export function partitionWriteInvariant(summary: PartitionWritesSummary): InvariantResult {
  const violations = summary.rows
    .flatMap((row) => row.overLimit.map((peak) => ({ row: row.name, ...peak })))
    .sort((a, b) => b.writes - a.writes)
    .map((p) => `${p.row} key ${p.key}: ${p.writes.toLocaleString('en-US')} writes in simulated second ${p.second}`);
  const hottest = hottestKey(summary);
  const detail =
    hottest === undefined
      ? 'no writes'
      : `hottest: ${hottest.row} key ${hottest.key}, ${hottest.writes.toLocaleString('en-US')} writes/s at simulated second ${hottest.second}`;
  return invariant(partitionInvariantName(summary.limit), violations, detail);
}
