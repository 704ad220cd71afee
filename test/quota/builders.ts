import { randomUUID } from 'node:crypto';

/** A fresh UTC day per test, so tests sharing a table never see each other's counts. */
let dayOffset = 0;
export function aDay(): string {
  dayOffset += 1;
  return new Date(Date.UTC(2026, 0, 1) + dayOffset * 86_400_000).toISOString().slice(0, 10);
}

export function aJobId(): string {
  return `job-${randomUUID().slice(0, 8)}`;
}

export const AT = new Date('2026-02-07T12:00:00Z');
