import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/**
 * The RunPod API key from Secrets Manager, cached per container for `maxAgeSeconds` (so a
 * rotation is picked up without a redeploy). The secret is the key itself, or JSON with a
 * `RUNPOD_API_KEY` or `api_key` field.
 */
export function secretApiKey(secretId: string, maxAgeSeconds = 300): () => Promise<string> {
  return async () => {
    const value = await getSecret<string>(secretId, { maxAge: maxAgeSeconds });
    if (typeof value !== 'string' || value === '') throw new Error(`secret ${secretId} has no string value`);
    if (!value.trimStart().startsWith('{')) return value.trim();
    const fields = JSON.parse(value) as Record<string, unknown>;
    const key = fields['RUNPOD_API_KEY'] ?? fields['api_key'];
    if (typeof key !== 'string' || key === '') throw new Error(`secret ${secretId} has no RUNPOD_API_KEY or api_key field`);
    return key;
  };
}
