import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  callbackShard,
  fnv1a32,
  isCallbackIndexShards,
  reconcilePartition,
  reconcilePartitions,
  redrivePartition,
  redrivePartitions,
  toItem,
} from '../../adapters/dynamodb/callbackItem.js';
import { aMapping } from './builders.js';
import { SHARD_VECTORS } from './shardVectors.js';

describe('callback index shards', () => {
  it.each(SHARD_VECTORS)('hashes $token with FNV-1a 32 over its UTF-8 bytes', (v) => {
    expect(fnv1a32(v.token)).toBe(v.fnv1a32);
  });

  it.each(SHARD_VECTORS)('places $token in the pinned shard of 1, 4 and 32', (v) => {
    for (const [shards, n] of Object.entries(v.shard)) {
      expect(callbackShard(v.token, Number(shards))).toBe(n);
      expect(redrivePartition(v.token, Number(shards))).toBe(`ACCEPTED#${n}`);
      expect(reconcilePartition(v.token, Number(shards))).toBe(`PENDING#${n}`);
    }
  });

  it('lists every partition a writer can produce, and only those', () => {
    expect(redrivePartitions(4)).toEqual(['ACCEPTED#0', 'ACCEPTED#1', 'ACCEPTED#2', 'ACCEPTED#3']);
    expect(reconcilePartitions(1)).toEqual(['PENDING#0']);
    const written = new Set(Array.from({ length: 2000 }, (_, i) => redrivePartition(`token-${i}`, 32)));
    expect([...written].sort()).toEqual(redrivePartitions(32).sort());
  });

  it('spreads tokens like the real ones (64 hex) evenly: no shard of 32 holds more than 1.5x its share of 32,000', () => {
    const counts = new Array<number>(32).fill(0);
    // Deterministic stand-ins for randomBytes(32).toString('hex').
    for (let i = 0; i < 32_000; i += 1) counts[callbackShard(createHash('sha256').update(String(i)).digest('hex'), 32)]! += 1;

    expect(Math.max(...counts)).toBeLessThan(1_500);
    expect(Math.min(...counts)).toBeGreaterThan(500);
  });

  it('accepts 1..256 whole shards, nothing else', () => {
    expect([1, 32, 256].map(isCallbackIndexShards)).toEqual([true, true, true]);
    expect([0, -1, 257, 1.5, Number.NaN].map(isCallbackIndexShards)).toEqual([false, false, false, false, false]);
  });

  it('writes a new PENDING RunPod mapping into its reconcile shard, and no other mapping into any', () => {
    const runpod = aMapping();
    const worker = aMapping({ channel: 'worker' });

    expect(toItem(runpod, 4).reconcile_pk).toBe(reconcilePartition(runpod.callbackToken, 4));
    expect(toItem(worker, 4).reconcile_pk).toBeUndefined();
    expect(toItem(runpod, 4).redrive_pk).toBeUndefined();
  });
});
