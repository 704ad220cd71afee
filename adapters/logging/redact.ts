import { createHash } from 'node:crypto';

/** Field names whose values are credentials: logged as a fingerprint only. */
const SECRET_FIELDS = new Set([
  'task_token',
  'taskToken',
  'callback_token',
  'callbackToken',
  'api_key',
  'apiKey',
  'authorization',
  'Authorization',
]);

/** A callback token (64 hex) anywhere in a string, e.g. inside a webhook URL. */
const HEX_TOKEN = /\b[0-9a-f]{64}\b/gi;

/** The last few secrets fingerprinted: a webhook logs its token in several records; it is hashed once. */
const recent = new Map<string, string>();
const RECENT_SECRETS = 32;

/**
 * A short, stable, non-reversible name for a secret: the first 12 hex digits of its SHA-256.
 * Operators can compute it for a token they hold and grep for it.
 */
export function fingerprint(secret: string): string {
  let name = recent.get(secret);
  if (name === undefined) {
    name = `fp:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
    if (recent.size >= RECENT_SECRETS) recent.clear();
    recent.set(secret, name);
  }
  return name;
}

/**
 * Log records are bounded whatever a caller sent: a string field keeps its first 1,024
 * characters, a list its first 50 items, an object its first 50 fields, and nesting stops at
 * 8 levels. A 360 KB job id becomes a 1 KB prefix and a note of its length.
 */
const LOG_LIMITS = { stringChars: 1024, items: 50, depth: 8 } as const;

function redactString(value: string): string {
  const clipped =
    value.length <= LOG_LIMITS.stringChars ? value : `${value.slice(0, LOG_LIMITS.stringChars)}…[${value.length} chars]`;
  return clipped.replace(HEX_TOKEN, (token) => fingerprint(token));
}

/** A copy of `value` safe to log: secret fields fingerprinted, embedded tokens replaced, sizes bounded. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > LOG_LIMITS.depth) return '[nested too deep to log]';
  if (value instanceof Error) {
    return { name: redactString(value.name), message: redactString(value.message) };
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, LOG_LIMITS.items).map((item) => redact(item, depth + 1));
    return value.length > LOG_LIMITS.items ? [...items, `…[${value.length - LOG_LIMITS.items} more]`] : items;
  }
  const out: Record<string, unknown> = {};
  let fields = 0;
  for (const [rawKey, field] of Object.entries(value)) {
    if (++fields > LOG_LIMITS.items) {
      out['…'] = `[${Object.keys(value).length - LOG_LIMITS.items} more fields]`;
      break;
    }
    const key = rawKey.length <= 64 ? rawKey : `${rawKey.slice(0, 64)}…`;
    out[key] = SECRET_FIELDS.has(rawKey) && typeof field === 'string' ? fingerprint(field) : redact(field, depth + 1);
  }
  return out;
}
