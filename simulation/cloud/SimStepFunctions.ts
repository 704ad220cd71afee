import { errAsync, ResultAsync } from 'neverthrow';
import type { TaskTokenError, TaskTokens } from '../../application/ports/TaskTokens.js';
import { InMemoryStepFunctions } from '../../adapters/memory/InMemoryStepFunctions.js';
import type { World } from '../World.js';

/** The least time between two Step Functions outages. */
const OUTAGE_GAP_SECONDS = 1800;

export type TaskEnd = 'succeeded' | 'failed' | 'timedOut' | 'aborted';
/** How a token's story ended in the ledger: a TaskEnd, or superseded by a Retry of its state. */
export type LedgerEnd = TaskEnd | 'abandoned';

export interface WaitOptions {
  readonly execution: string;
  readonly timeoutSeconds: number;
  readonly heartbeatSeconds?: number;
  /** Called once, when the task ends: resumed, or timed out by the engine. */
  readonly onEnd: (end: TaskEnd, detail: { output?: string; error?: string }) => void;
}

interface Waiting {
  readonly execution: string;
  readonly onEnd: WaitOptions['onEnd'];
  ended: LedgerEnd | undefined;
  /** Resumes Step Functions accepted for this token (must end at exactly 1, or 0 with a timeout). */
  accepted: number;
  /** SendTask calls refused because the task had already ended. */
  refusedAfterEnd: number;
  /** SendTask calls refused for good (the `refusal` fault): each must be tried once, never redriven. */
  refusedForGood: number;
}

/**
 * Step Functions as the simulation needs it: the in-memory task-token engine
 * (`InMemoryStepFunctions`, which refuses a second resume as the real service does), plus
 * outage windows on virtual time, injected crashes, timeout events, and a ledger of every
 * resume per token for the exactly-once invariant.
 */
export class SimStepFunctions implements TaskTokens {
  readonly engine: InMemoryStepFunctions;
  private readonly waiting = new Map<string, Waiting>();
  private down = false;
  readonly stats = { outages: 0, outageSeconds: 0, refusedWhileDown: 0, crashes: 0, timedOut: 0, heartbeats: 0, refusedForGood: 0, aborted: 0 };

  /**
   * `refusals`: resumes are refused for good at the `refusal` fault rate. Opt-in per scenario,
   * for those whose invariants say what a held (REFUSED) outcome must look like.
   */
  constructor(
    private readonly world: World,
    private readonly options: { readonly refusals?: boolean } = {},
  ) {
    this.engine = new InMemoryStepFunctions(world.clock);
  }

  /** A `.waitForTaskToken` state starts waiting; returns the token to hand to the work. */
  waitForTaskToken(options: WaitOptions): string {
    const token = this.engine.startTask({
      execution: options.execution,
      timeoutSeconds: options.timeoutSeconds,
      ...(options.heartbeatSeconds === undefined ? {} : { heartbeatSeconds: options.heartbeatSeconds }),
    });
    this.waiting.set(token, {
      execution: options.execution,
      onEnd: options.onEnd,
      ended: undefined,
      accepted: 0,
      refusedAfterEnd: 0,
      refusedForGood: 0,
    });
    this.world.scheduler.after(options.timeoutSeconds + 0.001, () => this.checkTimeout(token));
    if (options.heartbeatSeconds !== undefined) this.world.scheduler.after(options.heartbeatSeconds + 0.001, () => this.checkTimeout(token));
    return token;
  }

  /**
   * The state that issued `token` failed (its Lambda threw) and Step Functions' Retry runs it
   * again with a new token; this one must never be resumed.
   */
  abandon(token: string): void {
    const w = this.waiting.get(token);
    if (w && !w.ended) w.ended = 'abandoned';
  }

  /**
   * Schedules outage windows of 1–10 minutes in `[0, horizonSeconds)` of virtual time, until
   * Step Functions is down for the fraction of it the fault rate says. Windows are at least
   * `OUTAGE_GAP_SECONDS` apart: back-to-back windows would make one outage longer than a
   * task's HeartbeatSeconds, past which no design can keep a token alive.
   */
  planOutages(horizonSeconds: number): void {
    const { prng, faults, scheduler } = this.world;
    let budget = faults.sfnOutage * horizonSeconds;
    const windows = Math.ceil(budget / 330);
    const spacing = horizonSeconds / Math.max(1, windows);
    for (let i = 0; i < windows && budget >= 1; i += 1) {
      const length = Math.min(budget, prng.int(60, 600));
      const room = Math.max(0, spacing - length - OUTAGE_GAP_SECONDS);
      budget -= length;
      scheduler.after(i * spacing + prng.between(0, room), () => this.outage(length));
    }
  }

  /** StopExecution: every task of `execution` still waiting ends `aborted`; its tokens are gone. */
  abortExecution(execution: string): void {
    this.engine.abortExecution(execution);
    for (const w of this.waiting.values()) {
      if (w.execution === execution && !w.ended) this.end(w, 'aborted', {});
    }
  }

  /** Step Functions refuses every call for `seconds` of virtual time. */
  outage(seconds: number): void {
    if (this.down) return;
    this.down = true;
    this.stats.outages += 1;
    this.stats.outageSeconds += seconds;
    this.engine.setAvailable(false);
    this.world.scheduler.after(seconds, () => {
      this.down = false;
      this.engine.setAvailable(true);
    });
  }

  succeed(taskToken: string, output: string): ResultAsync<void, TaskTokenError> {
    return this.call(taskToken, () => this.engine.succeed(taskToken, output), 'succeeded', { output });
  }

  fail(taskToken: string, error: string, cause: string): ResultAsync<void, TaskTokenError> {
    return this.call(taskToken, () => this.engine.fail(taskToken, error, cause), 'failed', { error });
  }

  heartbeat(taskToken: string): ResultAsync<void, TaskTokenError> {
    this.stats.heartbeats += 1;
    const result = this.engine.heartbeat(taskToken);
    const task = this.engine.task(taskToken);
    if (task?.heartbeatSeconds !== undefined && task.state === 'waiting') {
      this.world.scheduler.after(task.heartbeatSeconds + 0.001, () => this.checkTimeout(taskToken));
    }
    return result;
  }

  /** Every token issued, with how it ended and how many resumes were accepted for it. */
  ledger(): {
    token: string;
    execution: string;
    ended: LedgerEnd | undefined;
    accepted: number;
    refusedAfterEnd: number;
    refusedForGood: number;
  }[] {
    return [...this.waiting.entries()].map(([token, w]) => ({
      token,
      execution: w.execution,
      ended: w.ended,
      accepted: w.accepted,
      refusedAfterEnd: w.refusedAfterEnd,
      refusedForGood: w.refusedForGood,
    }));
  }

  private call(
    taskToken: string,
    send: () => ResultAsync<void, TaskTokenError>,
    end: TaskEnd,
    detail: { output?: string; error?: string },
  ): ResultAsync<void, TaskTokenError> {
    if (this.world.prng.chance(this.world.faults.crash)) {
      // The function dies before its request leaves: an unknown fault, so it throws.
      this.stats.crashes += 1;
      return new ResultAsync(Promise.reject(new Error('Simulated crash before SendTask')));
    }
    if (this.down) this.stats.refusedWhileDown += 1;
    const w = this.waiting.get(taskToken);
    if (this.options.refusals && !this.down && w && !w.ended && this.world.prng.chance(this.world.faults.refusal)) {
      // A permanent refusal (our permissions or request), not the token: retrying cannot help.
      w.refusedForGood += 1;
      this.stats.refusedForGood += 1;
      return errAsync({ type: 'TaskTokensRefused', refusal: 'AccessDeniedException: not authorized to perform states:SendTaskSuccess (simulated)' });
    }
    const wasOpen = this.engine.task(taskToken)?.state === 'waiting';
    return send()
      .map(() => {
        if (w) {
          w.accepted += 1;
          this.end(w, end, detail);
        }
      })
      .mapErr((e) => {
        if (w && !wasOpen && e.type === 'TaskTokenGone') w.refusedAfterEnd += 1;
        return e;
      });
  }

  private checkTimeout(token: string): void {
    const w = this.waiting.get(token);
    if (!w || w.ended) return;
    if (this.engine.task(token)?.state === 'timedOut') {
      this.stats.timedOut += 1;
      this.end(w, 'timedOut', {});
    }
  }

  private end(w: Waiting, end: TaskEnd, detail: { output?: string; error?: string }): void {
    if (w.ended) {
      // A resume of an abandoned (retried) token: the ledger keeps the accepted count for the invariant.
      return;
    }
    w.ended = end;
    w.onEnd(end, detail);
  }
}
