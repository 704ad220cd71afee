import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log, LogFields } from '../../application/ports/Log.js';
import { redact } from './redact.js';

/** Structured JSON logs through Powertools Logger, with every record redacted. */
export class PowertoolsLog implements Log {
  constructor(
    private readonly logger: Logger,
    private readonly bound: LogFields = {},
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.logger.debug(...this.record(message, fields));
  }

  info(message: string, fields?: LogFields): void {
    this.logger.info(...this.record(message, fields));
  }

  warn(message: string, fields?: LogFields): void {
    this.logger.warn(...this.record(message, fields));
  }

  error(message: string, fields?: LogFields): void {
    this.logger.error(...this.record(message, fields));
  }

  with(fields: LogFields): Log {
    return new PowertoolsLog(this.logger, { ...this.bound, ...fields });
  }

  private record(message: string, fields?: LogFields): [string, Record<string, unknown>] {
    return [redact(message) as string, redact({ ...this.bound, ...fields }) as Record<string, unknown>];
  }
}
