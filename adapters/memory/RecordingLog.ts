import type { Log, LogFields } from '../../application/ports/Log.js';
import { redact } from '../logging/redact.js';

export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Keeps log records in memory (redacted like the real adapter), for tests and the simulation. */
export class RecordingLog implements Log {
  constructor(
    readonly records: LogRecord[] = [],
    private readonly bound: LogFields = {},
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.push('debug', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.push('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.push('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.push('error', message, fields);
  }

  with(fields: LogFields): Log {
    return new RecordingLog(this.records, { ...this.bound, ...fields });
  }

  messages(): string[] {
    return this.records.map((r) => r.message);
  }

  private push(level: LogRecord['level'], message: string, fields?: LogFields): void {
    this.records.push({
      level,
      message: redact(message) as string,
      fields: redact({ ...this.bound, ...fields }) as Record<string, unknown>,
    });
  }
}
