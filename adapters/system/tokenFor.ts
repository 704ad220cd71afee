import { createHash } from 'node:crypto';

/**
 * SHA-256 over the parts, each prefixed with its length, as 64 lowercase hex characters.
 * The length prefix keeps `('a', 'bc')` and `('ab', 'c')` apart.
 *
 * @example
 * tokenFor('baton:worker', 'renderer', taskToken) // the same three parts, the same token
 */
export function tokenFor(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part, 'utf8')}:`).update(part, 'utf8');
  return hash.digest('hex');
}
