import { wellFormed } from '../shared/storableLimits.js';

/** The most of an error message Baton stores: Step Functions' own limit on a cause. */
export const MAX_ERROR_MESSAGE_CHARS = 32_768;
const MAX_STACK_LINES = 20;
const MAX_STACK_LINE_CHARS = 512;
const MAX_ERROR_TYPE_CHARS = 256;

/** A Step Functions error (`Error`, `Cause`) made readable. */
export interface ParsedStepFunctionsError {
  /** The Lambda's `errorType` if the cause carries one, else Step Functions' `Error`. */
  readonly type: string;
  readonly message: string;
  readonly stackTrace: readonly string[];
}

/**
 * Reads a Catch's `{ Error, Cause }`. A Lambda failure's `Cause` is a JSON string with
 * `errorMessage`, `errorType` and `stackTrace`; other causes are plain text (or absent).
 *
 * @example
 * parseStepFunctionsError('States.TaskFailed', '{"errorMessage":"Timeout","errorType":"TimeoutError"}')
 * // { type: 'TimeoutError', message: 'Timeout', stackTrace: [] }
 */
export function parseStepFunctionsError(error: string | undefined, cause: string | undefined): ParsedStepFunctionsError {
  const name = error?.trim() || 'UnknownError';
  const text = cause?.trim() ?? '';
  const fromJson = parseLambdaCause(text);
  if (fromJson) {
    return {
      type: wellFormed(clip(fromJson.errorType ?? name, MAX_ERROR_TYPE_CHARS)),
      message: wellFormed(clip(fromJson.errorMessage ?? text) || name),
      stackTrace: fromJson.stackTrace.map((line) => wellFormed(clip(line, MAX_STACK_LINE_CHARS))),
    };
  }
  return { type: wellFormed(clip(name, MAX_ERROR_TYPE_CHARS)), message: wellFormed(clip(text) || name), stackTrace: [] };
}

function parseLambdaCause(
  text: string,
): { errorMessage?: string; errorType?: string; stackTrace: string[] } | undefined {
  if (!text.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' && x.trim() !== '' ? x : undefined);
  // Only the first lines, each a string or a short marker: a line may be any JSON, nested 6,000 deep.
  const stack = Array.isArray(o['stackTrace'])
    ? o['stackTrace'].slice(0, MAX_STACK_LINES).map((line) => (typeof line === 'string' ? line : lineOf(line)))
    : typeof o['stackTrace'] === 'string'
      ? o['stackTrace'].split('\n')
      : [];
  const errorMessage = str(o['errorMessage']) ?? str(o['message']);
  const errorType = str(o['errorType']);
  return {
    ...(errorMessage === undefined ? {} : { errorMessage }),
    ...(errorType === undefined ? {} : { errorType }),
    stackTrace: stack.slice(0, MAX_STACK_LINES),
  };
}

function lineOf(value: unknown): string {
  return value !== null && typeof value === 'object' ? `[${Array.isArray(value) ? 'array' : 'object'}]` : String(value);
}

function clip(text: string, max = MAX_ERROR_MESSAGE_CHARS): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}
