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

/**
 * A short, stable, non-reversible name for a secret: the first 12 hex digits of its SHA-256.
 * Operators can compute it for a token they hold and grep for it.
 */
export function fingerprint(secret: string): string {
  return `fp:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}

function redactString(value: string): string {
  return value.replace(HEX_TOKEN, (token) => fingerprint(token));
}

/** A copy of `value` safe to log: secret fields fingerprinted, embedded tokens replaced. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message) };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] =
      SECRET_FIELDS.has(key) && typeof field === 'string' ? fingerprint(field) : redact(field, depth + 1);
  }
  return out;
}
