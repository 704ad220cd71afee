import type { Log, LogFields } from '../../application/ports/Log.js';
import { redact } from '../../adapters/logging/redact.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

/** JSON log lines on a stream, redacted exactly like the Lambda logs: what the dev server prints. */
export class ConsoleLog implements Log {
  constructor(
    private readonly write: (line: string) => void,
    private readonly minimum: Level = 'info',
    private readonly bound: LogFields = {},
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.emit('debug', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.emit('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.emit('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.emit('error', message, fields);
  }

  with(fields: LogFields): Log {
    return new ConsoleLog(this.write, this.minimum, { ...this.bound, ...fields });
  }

  private emit(level: Level, message: string, fields?: LogFields): void {
    if (LEVELS[level] < LEVELS[this.minimum]) return;
    const record = redact({ level: level.toUpperCase(), message, timestamp: new Date().toISOString(), ...this.bound, ...fields });
    this.write(JSON.stringify(record));
  }
}
