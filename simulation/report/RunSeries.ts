import { LATENCY_BIN_EDGES_MS } from '../LatencyRecorder.js';

/** What the HTML report plots: counts binned over simulated time, and latency histograms. */
export interface RunSeries {
  /** Simulated time of the first bin (epoch ms) and each bin's width. */
  readonly startMs: number;
  readonly binSeconds: number;
  /** Scheduler events (deliveries, timers, schedules, handler calls) per bin. */
  readonly events: readonly number[];
  /** When bins are wider than a minute: the first `MAX_BINS` minutes' events, minute by minute (the busy start of a long run). */
  readonly firstMinutes?: readonly number[];
  /** Real handler calls per bin, by handler. */
  readonly calls: Readonly<Record<string, readonly number[]>>;
  /** Calls per latency bin (wall time), by handler; `edgesMs` has one more entry than each list. */
  readonly latency: { readonly edgesMs: readonly number[]; readonly counts: Readonly<Record<string, readonly number[]>> };
}

/** Plots stay readable with at most this many bins, whatever the run's length. */
export const MAX_BINS = 120;

const MINUTE_MS = 60_000;

/**
 * Bins per-minute counts (keys: epoch ms / 60 000) from `startMs` to `endMs` into at most
 * `MAX_BINS` bins of whole minutes.
 *
 * @example
 * buildSeries(start, end, eventsPerMinute, latency.callsPerMinute(), latency.histograms());
 */
export function buildSeries(
  startMs: number,
  endMs: number,
  eventsPerMinute: ReadonlyMap<number, number>,
  callsPerMinute: ReadonlyMap<string, ReadonlyMap<number, number>>,
  histograms: Readonly<Record<string, number[]>>,
): RunSeries {
  const firstMinute = Math.floor(startMs / MINUTE_MS);
  const minutes = Math.max(1, Math.floor(endMs / MINUTE_MS) - firstMinute + 1);
  const minutesPerBin = Math.ceil(minutes / MAX_BINS);
  const bins = Math.ceil(minutes / minutesPerBin);
  const binned = (perMinute: ReadonlyMap<number, number>): number[] => {
    const out = new Array<number>(bins).fill(0);
    for (const [minute, count] of perMinute) {
      const bin = Math.min(bins - 1, Math.max(0, Math.floor((minute - firstMinute) / minutesPerBin)));
      out[bin]! += count;
    }
    return out;
  };
  const calls: Record<string, number[]> = {};
  for (const name of [...callsPerMinute.keys()].sort()) calls[name] = binned(callsPerMinute.get(name)!);
  const firstMinutes = minutesPerBin > 1 ? Array.from({ length: MAX_BINS }, (_, m) => eventsPerMinute.get(firstMinute + m) ?? 0) : undefined;
  return {
    startMs: firstMinute * MINUTE_MS,
    binSeconds: minutesPerBin * 60,
    events: binned(eventsPerMinute),
    ...(firstMinutes ? { firstMinutes } : {}),
    calls,
    latency: { edgesMs: LATENCY_BIN_EDGES_MS, counts: histograms },
  };
}
