import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface ShardVector {
  readonly token: string;
  readonly fnv1a32: number;
  /** Shard count → the token's shard. */
  readonly shard: Readonly<Record<string, number>>;
}

/** Pinned FNV-1a vectors (callbackShardVectors.json): the TypeScript and the Python suites both check against them. */
export const SHARD_VECTORS: readonly ShardVector[] = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, 'callbackShardVectors.json'), 'utf8')) as { vectors: ShardVector[] }
).vectors;
