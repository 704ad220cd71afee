import { performance } from 'node:perf_hooks';

export interface LatencySummary {
  readonly calls: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * Wall-clock durations of the real handler calls, by handler name. Wall time is the one
 * thing in a run that the seed does not fix, so it stays out of the run's fingerprint.
 *
 * @example
 * const latency = new LatencyRecorder();
 * const response = await latency.time('runpod-webhook', () => webhook(event));
 * latency.summary()['runpod-webhook']?.p99Ms;
 */
export class LatencyRecorder {
  private readonly samples = new Map<string, number[]>();

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
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
