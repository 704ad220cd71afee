import type { Result } from 'neverthrow';
import type { Log } from '../../application/ports/Log.js';
import type { HeartbeatAnswer, SendWorkerHeartbeatError } from '../../application/worker/SendWorkerHeartbeat.js';

export interface HeartbeatOptions {
  /** Time between SendTaskHeartbeat calls; keep it well under the state's HeartbeatSeconds. */
  readonly intervalMs: number;
  /** Called once if Step Functions says the task no longer waits (the worker may give up). */
  readonly onGone?: (error: SendWorkerHeartbeatError) => void;
}

/** Why a heartbeat loop ended. */
export type HeartbeatEnd = 'stopped' | 'reported' | 'gone';

export interface Heartbeat {
  /** Aborted when the task is gone: pass it to long-running work. */
  readonly signal: AbortSignal;
  /** Settles when the loop ends, by stop() or by itself. */
  readonly ended: Promise<HeartbeatEnd>;
  /** Stops beating and waits for a beat in flight. */
  stop(): Promise<void>;
}

/**
 * Calls `beat` now and then every `intervalMs` until stopped, the job is reported, or the task
 * is gone. A beat that throws or misses is logged and the loop goes on: one lost heartbeat
 * must not kill an hour of rendering; HeartbeatSeconds tolerates several.
 */
export function startHeartbeat(
  beat: () => Promise<Result<HeartbeatAnswer, SendWorkerHeartbeatError>>,
  log: Log,
  options: HeartbeatOptions,
): Heartbeat {
  const gone = new AbortController();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let end: (why: HeartbeatEnd) => void = () => undefined;
  const ended = new Promise<HeartbeatEnd>((resolve) => {
    end = (why) => {
      stopped = true;
      resolve(why);
    };
  });

  const tick = async (): Promise<void> => {
    try {
      const result = await beat();
      if (result.isErr()) {
        log.warn('Task no longer waits; stopping heartbeats', { reason: result.error.type });
        end('gone');
        gone.abort(result.error);
        options.onGone?.(result.error);
        return;
      }
      if (result.value === 'AlreadyReported') end('reported');
    } catch (error) {
      log.warn('Heartbeat failed; will try again', { error: error instanceof Error ? error.message : String(error) });
    }
  };
  const schedule = () => {
    if (stopped) return;
    inFlight = tick().then(() => {
      if (!stopped) timer = setTimeout(schedule, options.intervalMs);
    });
  };
  schedule();

  return {
    signal: gone.signal,
    ended,
    stop: async () => {
      end('stopped');
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
