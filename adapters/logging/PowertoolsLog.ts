import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log, LogFields } from '../../application/ports/Log.js';
import { redact } from './redact.js';

/** Powertools' numeric levels (`LogLevelThreshold`): a record is printed when its level is at least `logger.level`. */
const DEBUG = 8;
const INFO = 12;

/**
 * Structured JSON logs through Powertools Logger, with every record redacted. A debug or info
 * record below the logger's level is dropped before it is redacted (copying the fields and
 * hashing the tokens in them is most of a record's cost). Powertools' log buffering, which
 * would keep such records, is not used.
 */
export class PowertoolsLog implements Log {
  constructor(
    private readonly logger: Logger,
    private readonly bound: LogFields = {},
  ) {}

  debug(message: string, fields?: LogFields): void {
    if (DEBUG >= this.logger.level) this.logger.debug(...this.record(message, fields));
  }

  info(message: string, fields?: LogFields): void {
    if (INFO >= this.logger.level) this.logger.info(...this.record(message, fields));
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
