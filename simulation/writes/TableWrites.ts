import type { CreateTableInput, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import type { PartitionWrites } from './PartitionWrites.js';

/** An item as the real adapter writes it (attribute name → value); undefined attributes are absent. */
export type Item = object;

interface IndexShape {
  /** The row the index's writes are counted under: `callbacks · redrive`. */
  readonly row: string;
  readonly hash: string;
  readonly range: string | undefined;
  /** Attributes an index entry carries besides the keys: none (KEYS_ONLY), some (INCLUDE), or all. */
  readonly projected: readonly string[] | 'all';
}

/** An item's entry in one index: its partition, sort key and what else it projects. */
interface Entry {
  readonly partition: string;
  readonly sort: string;
  readonly projection: string;
}

/**
 * Write accounting for one table, read off its CreateTableInput (adapters/dynamodb/tables): every
 * write request costs its item's key one write, won or lost (a failed condition is still a write);
 * each global secondary index costs one write on the partition an entry leaves and one on the
 * partition an entry enters (a changed index key is both), and one when an entry stays put but
 * a projected attribute changes. An item without an index's key attributes is not in that
 * (sparse) index.
 */
export class TableWrites {
  private readonly indexes: readonly IndexShape[];
  /** The rows this table reports: its items, then each index. */
  readonly rows: readonly string[];

  constructor(
    private readonly writes: PartitionWrites,
    readonly name: string,
    definition: CreateTableInput,
  ) {
    this.indexes = (definition.GlobalSecondaryIndexes ?? []).map((index) => shapeOf(name, index));
    this.rows = [name, ...this.indexes.map((i) => i.row)];
  }

  /** A write request on `key` that changed the item from `before` to `after` (either absent: a put or a delete). */
  write(key: string, before: Item | undefined, after: Item | undefined, row = this.name): void {
    this.writes.record(row, key);
    for (const index of this.indexes) {
      const was = entryOf(index, before);
      const is = entryOf(index, after);
      if (was !== undefined && is !== undefined && was.partition === is.partition && was.sort === is.sort) {
        if (was.projection !== is.projection) this.writes.record(index.row, is.partition);
        continue;
      }
      if (was !== undefined) this.writes.record(index.row, was.partition);
      if (is !== undefined) this.writes.record(index.row, is.partition);
    }
  }

  /**
   * A write request on `key` that leaves every index as it was: its condition failed (DynamoDB
   * still counts the write), or it changed only attributes no index keys or projects.
   */
  touch(key: string, row = this.name): void {
    this.writes.record(row, key);
  }

  /** Whether `item` has an entry in any of the table's indexes. */
  indexed(item: Item): boolean {
    return this.indexes.some((index) => entryOf(index, item) !== undefined);
  }
}

function shapeOf(table: string, index: GlobalSecondaryIndex): IndexShape {
  const keys = index.KeySchema ?? [];
  const hash = keys.find((k) => k.KeyType === 'HASH')?.AttributeName;
  if (hash === undefined || index.IndexName === undefined) throw new Error(`index of ${table} without a name or a partition key`);
  const projection = index.Projection?.ProjectionType ?? 'ALL';
  return {
    row: `${table} · ${index.IndexName}`,
    hash,
    range: keys.find((k) => k.KeyType === 'RANGE')?.AttributeName,
    projected: projection === 'ALL' ? 'all' : projection === 'INCLUDE' ? (index.Projection?.NonKeyAttributes ?? []) : [],
  };
}

function entryOf(index: IndexShape, item: Item | undefined): Entry | undefined {
  if (item === undefined) return undefined;
  const attributes = item as Readonly<Record<string, unknown>>;
  const partition = attributes[index.hash];
  const sort = index.range === undefined ? '' : attributes[index.range];
  if (partition === undefined || sort === undefined) return undefined;
  const projection =
    index.projected === 'all'
      ? JSON.stringify(item)
      : index.projected.length === 0
        ? ''
        : JSON.stringify(index.projected.map((a) => attributes[a]));
  return { partition: String(partition), sort: String(sort), projection };
}
