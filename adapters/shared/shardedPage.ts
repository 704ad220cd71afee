import type { PageCursor } from '../../application/ports/CallbackMappings.js';

/**
 * Paging over the shards of a sparse index (`ACCEPTED#0..N-1`, …), shared by the DynamoDB adapter
 * and its in-memory twin so both page alike. A page asks every unfinished shard, in parallel, for
 * its next `ceil(limit / shards)` items from where that shard stopped, merges the answers by sort
 * key and keeps the first `limit`. Each shard then stands just after the last item of it that was
 * kept (DynamoDB's `ExclusiveStartKey`), so an item is returned once or not yet, never twice, and
 * an item leaving the index between pages hides nothing behind it.
 */

/** Where one unfinished shard stands: its number in the reader's list, and the key after which it goes on. */
export interface OpenShard<K> {
  readonly shard: number;
  readonly after?: K;
}

/** One shard's answer: its items in index order, and `last` when it may hold more (DynamoDB's LastEvaluatedKey). */
export interface ShardAnswer<K, I> {
  readonly items: readonly I[];
  readonly last?: K;
}

/** How many items each of `open` shards is asked for, so a page costs about `limit` items however many shards. */
export function perShardLimit(limit: number, open: number): number {
  return Math.max(1, Math.ceil(limit / Math.max(1, open)));
}

/** Every shard of `shards`, none started: where a reader without a cursor begins. */
export function allShards<K>(shards: number): OpenShard<K>[] {
  return Array.from({ length: shards }, (_, shard) => ({ shard }));
}

/**
 * The first `limit` items of the answers by `order` (ties keep shard order), and where each shard
 * stands after them. `answers[i]` answers `open[i]`. A shard is finished once all it returned was
 * kept and it had nothing more; a shard none of whose items were kept stays where it was.
 */
export function mergeShardAnswers<K, I>(
  open: readonly OpenShard<K>[],
  answers: readonly ShardAnswer<K, I>[],
  limit: number,
  order: (item: I) => string | number,
  keyOf: (item: I) => K,
): { items: I[]; open: OpenShard<K>[] } {
  const candidates = answers.flatMap((answer, i) => answer.items.map((item) => ({ i, item, at: order(item) })));
  // Array.prototype.sort is stable: what each shard keeps is a prefix of its own answer.
  candidates.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.i - b.i));
  const kept = candidates.slice(0, Math.max(0, limit));
  const keptOf = new Array<number>(answers.length).fill(0);
  for (const c of kept) keptOf[c.i]! += 1;
  const stillOpen: OpenShard<K>[] = [];
  answers.forEach((answer, i) => {
    const position = open[i]!;
    const n = keptOf[i]!;
    if (n === answer.items.length) {
      if (answer.last !== undefined) stillOpen.push({ shard: position.shard, after: answer.last });
    } else if (n > 0) {
      stillOpen.push({ shard: position.shard, after: keyOf(answer.items[n - 1]!) });
    } else {
      stillOpen.push(position);
    }
  });
  return { items: kept.map((c) => c.item), open: stillOpen };
}

/** The opaque cursor: every unfinished shard's position, as base64url JSON (index keys hold only strings). */
export function encodeShardCursor<K>(open: readonly OpenShard<K>[]): PageCursor | undefined {
  if (open.length === 0) return undefined;
  const positions = open.map((o) => (o.after === undefined ? [o.shard] : [o.shard, o.after]));
  return Buffer.from(JSON.stringify(positions)).toString('base64url') as PageCursor;
}

/**
 * The positions a cursor of this module holds, or every shard when there is none. A cursor that
 * is not one (or names a shard the reader does not have) starts over from the beginning.
 */
export function decodeShardCursor<K>(cursor: PageCursor | undefined, shards: number): OpenShard<K>[] {
  if (cursor === undefined) return allShards(shards);
  try {
    const positions = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(positions)) return allShards(shards);
    const open = positions.map((p): OpenShard<K> => {
      const [shard, after] = p as [number, K | undefined];
      if (!Number.isInteger(shard) || shard < 0 || shard >= shards) throw new RangeError('no such shard');
      return after === undefined ? { shard } : { shard, after };
    });
    return open;
  } catch {
    return allShards(shards);
  }
}
