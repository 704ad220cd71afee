export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Structured logging. Messages are the seeds' key messages; values go in fields
 * (`{ job_id }`), never interpolated, so adapters can redact secrets by field name.
 * Fields named `task_token`, `callback_token`, `api_key` (and any 64-hex token in any string)
 * are replaced by a fingerprint by every adapter.
 */
export interface Log {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A log whose every record carries `fields` too (correlation ids: exec_id, job_id). */
  with(fields: LogFields): Log;
}
