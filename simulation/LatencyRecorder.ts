import { performance } from 'node:perf_hooks';

export interface LatencySummary {
  readonly calls: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Edges of the latency histograms, in ms: four bins per decade from 1 µs to 10 s (a slower call counts in the last). */
export const LATENCY_BIN_EDGES_MS: readonly number[] = Array.from({ length: 29 }, (_, k) => Number((10 ** (-3 + k / 4)).toPrecision(3)));

const MINUTE_MS = 60_000;

/**
 * Wall-clock durations of the real handler calls, by handler name, and (given the virtual
 * clock) how many calls each handler took per simulated minute. Wall time is the one
 * thing in a run that the seed does not fix, so it stays out of the run's fingerprint.
 *
 * @example
 * const latency = new LatencyRecorder();
 * const response = await latency.time('runpod-webhook', () => webhook(event));
 * latency.summary()['runpod-webhook']?.p99Ms;
 */
export class LatencyRecorder {
  private readonly samples = new Map<string, number[]>();
  private readonly perMinute = new Map<string, Map<number, number>>();

  /** `now`: the virtual clock in epoch ms; without it no timeline is kept. */
  constructor(private readonly now?: () => number) {}

  async time<T>(name: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await call();
    } finally {
      this.record(name, performance.now() - started);
    }
  }

  record(name: string, ms: number): void {
    let list = this.samples.get(name);
    if (!list) this.samples.set(name, (list = []));
    list.push(ms);
    if (this.now) {
      let minutes = this.perMinute.get(name);
      if (!minutes) this.perMinute.set(name, (minutes = new Map()));
      const minute = Math.floor(this.now() / MINUTE_MS);
      minutes.set(minute, (minutes.get(minute) ?? 0) + 1);
    }
  }

  /** Calls per `LATENCY_BIN_EDGES_MS` bin, by handler. */
  histograms(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    const edges = LATENCY_BIN_EDGES_MS;
    for (const [name, list] of [...this.samples.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const counts = new Array<number>(edges.length - 1).fill(0);
      for (const ms of list) {
        let bin = 0;
        while (bin < counts.length - 1 && ms >= edges[bin + 1]!) bin += 1;
        counts[bin]! += 1;
      }
      out[name] = counts;
    }
    return out;
  }

  /** Calls by handler and simulated minute (epoch ms / 60 000); empty without a clock. */
  callsPerMinute(): ReadonlyMap<string, ReadonlyMap<number, number>> {
    return this.perMinute;
  }

  summary(): Record<string, LatencySummary> {
    const out: Record<string, LatencySummary> = {};
    for (const [name, list] of [...this.samples.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = Float64Array.from(list).sort();
      out[name] = {
        calls: sorted.length,
        p50Ms: round(percentile(sorted, 0.5)),
        p95Ms: round(percentile(sorted, 0.95)),
        p99Ms: round(percentile(sorted, 0.99)),
        maxMs: round(sorted[sorted.length - 1] ?? 0),
      };
    }
    return out;
  }
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
