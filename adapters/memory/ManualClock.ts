import type { Clock } from '../../application/ports/Clock.js';

/** A clock that moves only when told: tests and the simulation's virtual time. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-06T12:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advanceSeconds(seconds: number): void {
    this.current += seconds * 1000;
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
}
