import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { getSecret, SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';

/** How a caller asks for the key: `fresh` skips the cache (after RunPod refused the cached one). */
export type ApiKeySource = (options?: { readonly fresh?: boolean }) => Promise<string>;

/** An API key goes into an `Authorization` header: printable ASCII, no spaces. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * The RunPod API key from Secrets Manager, cached per container for `maxAgeSeconds` (so a
 * rotation is picked up without a redeploy). The secret is the key itself, or JSON with a
 * `RUNPOD_API_KEY` or `api_key` field. `{ fresh: true }` reads it again at once: RunPodClient
 * asks for that when RunPod answers 401/403, so a rotated key is used on the next attempt
 * rather than after the cache expires. Concurrent fresh reads share one call.
 *
 * A malformed secret is reported without any of its characters: neither the parser's message
 * (which quotes the text) nor the value reaches a log or a Step Functions error. Pass `client`
 * to read through a client of your own (the Lambda entrypoints pass one with timeouts and the
 * invocation's deadline).
 */
export function secretApiKey(secretId: string, maxAgeSeconds = 300, client?: SecretsManagerClient): ApiKeySource {
  let refreshing: Promise<string> | undefined;
  const provider = client === undefined ? undefined : new SecretsProvider({ awsSdkV3Client: client });
  const fetchSecret = (forceFetch: boolean): Promise<unknown> =>
    provider === undefined
      ? getSecret<string>(secretId, { maxAge: maxAgeSeconds, forceFetch })
      : provider.get(secretId, { maxAge: maxAgeSeconds, forceFetch });
  const read = async (forceFetch: boolean) => keyOf(secretId, await fetchSecret(forceFetch));
  return async (options) => {
    if (!options?.fresh) return read(false);
    refreshing ??= read(true).finally(() => (refreshing = undefined));
    return refreshing;
  };
}

function keyOf(secretId: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`secret ${secretId} has no string value`);
  const text = value.trim();
  if (!text.startsWith('{')) return headerSafe(secretId, text);
  let fields: unknown;
  try {
    fields = JSON.parse(text);
  } catch {
    throw new Error(`secret ${secretId} looks like JSON but does not parse (${text.length} characters; the value is not shown)`);
  }
  const record = typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : {};
  const key = record['RUNPOD_API_KEY'] ?? record['api_key'];
  if (typeof key !== 'string' || key.trim() === '') throw new Error(`secret ${secretId} has no RUNPOD_API_KEY or api_key field`);
  return headerSafe(secretId, key.trim());
}

function headerSafe(secretId: string, key: string): string {
  if (!HEADER_SAFE.test(key)) {
    throw new Error(`secret ${secretId} holds a key with characters an HTTP header cannot carry (the value is not shown)`);
  }
  return key;
}
