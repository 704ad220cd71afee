import type { Log, LogFields } from '../application/ports/Log.js';

/**
 * A log that counts records by level and message instead of keeping them: a 100,000-job run
 * would otherwise spend its time and memory formatting lines nobody reads. Error records
 * keep their first few examples (without fields, so no secret is ever kept).
 */
export class CountingLog implements Log {
  constructor(
    private readonly counts: Map<string, number> = new Map(),
    readonly errorExamples: string[] = [],
  ) {}

  debug(message: string): void {
    this.bump('debug', message);
  }

  info(message: string): void {
    this.bump('info', message);
  }

  warn(message: string): void {
    this.bump('warn', message);
  }

  error(message: string): void {
    this.bump('error', message);
    if (this.errorExamples.length < 5 && !this.errorExamples.includes(message)) this.errorExamples.push(message);
  }

  with(_fields: LogFields): Log {
    return this;
  }

  /** How many records had this level and message. */
  count(level: 'debug' | 'info' | 'warn' | 'error', message?: string): number {
    if (message !== undefined) return this.counts.get(`${level}\u0000${message}`) ?? 0;
    let total = 0;
    for (const [key, n] of this.counts) if (key.startsWith(`${level}\u0000`)) total += n;
    return total;
  }

  private bump(level: string, message: string): void {
    const key = `${level}\u0000${message}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}
