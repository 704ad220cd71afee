/** Time arithmetic shared by every aggregate. Pure: callers pass `now` in. */

const SECONDS_PER_DAY = 86_400;

/** ISO-8601 UTC without milliseconds, as the seeds write it: `2026-01-06T12:00:00Z`. */
export function isoSeconds(at: Date): string {
  const iso = at.toISOString();
  // `YYYY-MM-DDTHH:mm:ss.sssZ`, 24 characters, for every year from 0 to 9999 (on the webhook's path: no regex).
  return iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
}

export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

export function addSeconds(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * 1000);
}

export function addDays(at: Date, days: number): Date {
  return addSeconds(at, days * SECONDS_PER_DAY);
}

/** The UTC calendar day, `YYYY-MM-DD`. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
