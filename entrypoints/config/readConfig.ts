import * as v from 'valibot';
import { DEFAULT_CALLBACK_INDEX_SHARDS, MAX_CALLBACK_INDEX_SHARDS } from '../../adapters/dynamodb/callbackItem.js';

/** Thrown once at cold start, naming every missing or malformed variable. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';

  constructor(
    readonly handler: string,
    readonly problems: readonly string[],
  ) {
    super(`${handler}: invalid configuration: ${problems.join('; ')}`);
  }
}

/**
 * Reads a handler's environment once, into a frozen typed object. Every variable is
 * checked before anything fails, so one deploy fixes every mistake.
 *
 * @example
 * const config = readConfig('check-quota', process.env, v.object({
 *   DYNAMODB_COUNTER_TABLE: requiredString,
 *   DAILY_QUOTA: v.optional(positiveInt, '10'),
 * }));
 */
export function readConfig<S extends v.GenericSchema<Record<string, string | undefined>, object>>(
  handler: string,
  env: Record<string, string | undefined>,
  schema: S,
): Readonly<v.InferOutput<S>> {
  const parsed = v.safeParse(schema, env);
  if (parsed.success) return Object.freeze(parsed.output);
  const problems = parsed.issues.map((issue) => {
    const name = v.getDotPath(issue) ?? '(environment)';
    // A missing variable fails its schema; a cross-variable rule (`kind: 'validation'`) says its own words.
    return issue.input === undefined && issue.kind === 'schema' ? `${name} is required` : `${name} ${issue.message}`;
  });
  throw new ConfigurationError(handler, problems);
}

/** Blank values count as missing: a `KEY=` line in a template is a mistake, not a value. */
const present = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be blank'));

export const requiredString = present;

export const optionalString = v.optional(
  v.pipe(
    v.string(),
    v.trim(),
    v.transform((s) => (s === '' ? undefined : s)),
  ),
);

export const httpUrl = v.pipe(
  present,
  v.url('must be a URL'),
  v.check((s) => /^https?:\/\//.test(s), 'must be an http(s) URL'),
);

export const positiveInt = v.pipe(
  present,
  v.regex(/^\d+$/, 'must be a positive integer'),
  v.transform(Number),
  v.minValue(1, 'must be at least 1'),
);

export const logLevel = v.optional(
  v.pipe(
    v.string(),
    v.toUpperCase(),
    v.picklist(['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'], 'must be DEBUG, INFO, WARN or ERROR'),
  ),
  'INFO',
);

/**
 * `CALLBACK_INDEX_SHARDS`: shards of the callbacks table's sparse indexes, 1..256, default 32. Every
 * function that writes or reads `redrive_pk` / `reconcile_pk` must be given the same value (deploy/
 * passes one construct prop to all); it may grow on a live table, never shrink.
 */
export const callbackIndexShards = v.optional(
  v.pipe(
    present,
    v.regex(/^\d+$/, `must be a whole number from 1 to ${MAX_CALLBACK_INDEX_SHARDS}`),
    v.transform(Number),
    v.minValue(1, `must be a whole number from 1 to ${MAX_CALLBACK_INDEX_SHARDS}`),
    v.maxValue(MAX_CALLBACK_INDEX_SHARDS, `must be a whole number from 1 to ${MAX_CALLBACK_INDEX_SHARDS}`),
  ),
  String(DEFAULT_CALLBACK_INDEX_SHARDS),
);
