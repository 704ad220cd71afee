import { ManualClock } from '../adapters/memory/ManualClock.js';
import { MinHeap } from './MinHeap.js';

/** Where a run must end even if events keep coming: a stalled system is a finding, not a hang. */
export interface RunLimits {
  /** Events processed at most. */
  readonly maxEvents: number;
  /** Virtual time from the first run() at most, in ms. */
  readonly maxSimulatedMs: number;
}

/** Why `run()` returned: no event left, `stop()`, or a limit reached with events still queued. */
export type RunEnd = { readonly type: 'drained' } | { readonly type: 'stopped' } | { readonly type: 'stalled'; readonly reason: string };

const UNLIMITED: RunLimits = { maxEvents: Number.POSITIVE_INFINITY, maxSimulatedMs: Number.POSITIVE_INFINITY };

interface ScheduledEvent {
  readonly at: number;
  /** Insertion order breaks ties, so equal times run in a reproducible order. */
  readonly seq: number;
  readonly run: () => void | Promise<void>;
}

/**
 * Virtual time: a clock that only moves when the next event is due, and the queue of events.
 * Events run one at a time, each awaited before the next, so a run is a pure function of
 * the seed; work that must race is started inside one event with `Promise.all`.
 *
 * @example
 * const scheduler = new Scheduler('2026-01-06T00:00:00Z');
 * scheduler.after(30, () => console.log(scheduler.clock.now().toISOString()));
 * await scheduler.run(); // prints 2026-01-06T00:00:30.000Z at once
 */
export class Scheduler {
  readonly clock: ManualClock;
  private readonly queue = new MinHeap<ScheduledEvent>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private seq = 0;
  private processed = 0;
  private stopped = false;

  constructor(start: Date | string = '2026-01-06T00:00:00Z') {
    this.clock = new ManualClock(start);
  }

  nowMs(): number {
    return this.clock.now().getTime();
  }

  /** Runs `run` at `atMs` (epoch ms); a time in the past means "next". */
  at(atMs: number, run: () => void | Promise<void>): void {
    this.queue.push({ at: Math.max(atMs, this.nowMs()), seq: this.seq++, run });
  }

  after(seconds: number, run: () => void | Promise<void>): void {
    this.at(this.nowMs() + Math.max(0, seconds) * 1000, run);
  }

  /** Runs `run` every `seconds` while `keepGoing()` says so (a schedule, like EventBridge's). */
  every(seconds: number, run: () => void | Promise<void>, keepGoing: () => boolean): void {
    const tick = async (): Promise<void> => {
      if (!keepGoing()) return;
      await run();
      this.after(seconds, tick);
    };
    this.after(seconds, tick);
  }

  get pending(): number {
    return this.queue.size;
  }

  get eventsProcessed(): number {
    return this.processed;
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Runs events in time order until none is left, `stop()`, or a limit is reached (the events
   * still queued then stay queued), moving the clock to each. `onEvent` is called after each
   * event (progress reporting).
   */
  async run(onEvent?: (processed: number) => void, limits: RunLimits = UNLIMITED): Promise<RunEnd> {
    const startMs = this.nowMs();
    const firstEvent = this.processed;
    for (;;) {
      if (this.stopped) return { type: 'stopped' };
      const next = this.queue.peek();
      if (!next) return { type: 'drained' };
      if (this.processed - firstEvent >= limits.maxEvents) {
        return { type: 'stalled', reason: `${limits.maxEvents} events processed and ${this.queue.size} still queued` };
      }
      if (next.at - startMs > limits.maxSimulatedMs) {
        return { type: 'stalled', reason: `events still queued past ${Math.round(limits.maxSimulatedMs / 86_400_000)} simulated days` };
      }
      this.queue.pop();
      if (next.at > this.nowMs()) this.clock.set(new Date(next.at));
      await next.run();
      this.processed += 1;
      onEvent?.(this.processed);
    }
  }
}
