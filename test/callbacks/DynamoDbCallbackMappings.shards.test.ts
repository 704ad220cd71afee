import { createHash } from 'node:crypto';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PageCursor, TokenPage } from '../../application/ports/CallbackMappings.js';
import { resumed } from '../../domain/callbacks/CallbackMapping.js';
import { callbackShard, LEGACY_RECONCILE_PARTITION, LEGACY_REDRIVE_PARTITION, toItem } from '../../adapters/dynamodb/callbackItem.js';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { aMapping, aSuccess, at } from './builders.js';

/**
 * What only the DynamoDB adapter meets: tables written before sharding (`ACCEPTED`, `PENDING`),
 * writers and readers of one table with different shard counts while a change rolls out, and
 * the shards of a page queried at once.
 */
describe('DynamoDbCallbackMappings: sharded indexes on a live table', () => {
  let client: DynamoDBClient;
  let table: string;
  beforeAll(async () => {
    client = localDynamoDbClient();
    table = await createLocalTable(client, callbacksTable);
  });

  const tokenIn = (seed: string, shards: number, shard: (n: number) => boolean) => {
    for (let i = 0; ; i += 1) {
      const token = createHash('sha256').update(`${seed}/${i}`).digest('hex');
      if (shard(callbackShard(token, shards))) return token;
    }
  };

  it('reads the partitions written before sharding: an old writer\'s PENDING and ACCEPTED items are found, claimed and finished', async () => {
    const mappings = new DynamoDbCallbackMappings(client, table, { callbackIndexShards: 32 });
    const pending = aMapping({ now: at(-2_000_000) });
    const accepted = { ...aMapping({ now: at(-2_000_000) }), status: 'ACCEPTED' as const, acceptedAt: at(-1_999_990).toISOString().replace('.000', ''), outcome: aSuccess() };
    // Exactly what the code before sharding (or a Python worker on an old image) wrote.
    await client.send(new PutItemCommand({ TableName: table, Item: marshall({ ...toItem(pending, 1), reconcile_pk: LEGACY_RECONCILE_PARTITION }, { removeUndefinedValues: true }) }));
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: marshall({ ...toItem(accepted, 1), reconcile_pk: undefined, redrive_pk: LEGACY_REDRIVE_PARTITION }, { removeUndefinedValues: true }),
      }),
    );

    const reconcileDue = await everyToken((after) => mappings.pendingRunPodBefore(at(-1_000_000), 2, after));
    const redriveDue = await everyToken((after) => mappings.acceptedBefore(at(-1_000_000), 2, after));
    expect(reconcileDue).toContain(pending.callbackToken);
    expect(redriveDue).toContain(accepted.callbackToken);

    // The claim moves a legacy PENDING item into its redrive shard; finishing takes the legacy ACCEPTED one out.
    const claimed = (await mappings.accept(pending.callbackToken, aSuccess(), at(-1_999_000), 'runpod'))._unsafeUnwrap();
    (await mappings.finish(resumed((await mappings.find(accepted.callbackToken))!, at(-1_998_000))._unsafeUnwrap()))._unsafeUnwrap();

    expect(await everyToken((after) => mappings.pendingRunPodBefore(at(-1_000_000), 2, after))).not.toContain(pending.callbackToken);
    const redriveAfter = await everyToken((after) => mappings.acceptedBefore(at(-1_000_000), 2, after));
    expect(redriveAfter).toContain(claimed.callbackToken);
    expect(redriveAfter).not.toContain(accepted.callbackToken);
  });

  it('N grows on a live table: readers with the new N find what writers with the old N wrote, and what the new ones write', async () => {
    const before = new DynamoDbCallbackMappings(client, table, { callbackIndexShards: 4 });
    const after = new DynamoDbCallbackMappings(client, table, { callbackIndexShards: 32 });
    const old = Array.from({ length: 12 }, () => aMapping({ now: at(-3_000_000) }));
    const fresh = Array.from({ length: 12 }, () => aMapping({ now: at(-3_000_000) }));
    for (const m of old) (await before.create(m))._unsafeUnwrap();
    for (const m of fresh) (await after.create(m))._unsafeUnwrap();
    for (const m of old.slice(0, 6)) (await before.accept(m.callbackToken, aSuccess(), at(-2_999_000), 'runpod'))._unsafeUnwrap();
    for (const m of fresh.slice(0, 6)) (await after.accept(m.callbackToken, aSuccess(), at(-2_999_000), 'runpod'))._unsafeUnwrap();

    const pending = await everyToken((c) => after.pendingRunPodBefore(at(-2_500_000), 3, c));
    const accepted = await everyToken((c) => after.acceptedBefore(at(-2_500_000), 3, c));

    const ours = (ms: typeof old) => ms.map((m) => m.callbackToken);
    expect(ours([...old.slice(6), ...fresh.slice(6)]).every((t) => pending.includes(t))).toBe(true);
    expect(ours([...old.slice(0, 6), ...fresh.slice(0, 6)]).every((t) => accepted.includes(t))).toBe(true);
  });

  it('N never shrinks in place: a reader with fewer shards does not see the shards above them (hence the rule)', async () => {
    const wide = new DynamoDbCallbackMappings(client, table, { callbackIndexShards: 32 });
    const narrow = new DynamoDbCallbackMappings(client, table, { callbackIndexShards: 4 });
    const stranded = aMapping({ callbackToken: tokenIn('stranded', 32, (n) => n >= 4), now: at(-4_000_000) });
    (await wide.create(stranded))._unsafeUnwrap();

    expect(await everyToken((c) => wide.pendingRunPodBefore(at(-3_500_000), 10, c))).toContain(stranded.callbackToken);
    expect(await everyToken((c) => narrow.pendingRunPodBefore(at(-3_500_000), 10, c))).not.toContain(stranded.callbackToken);
  });

  it('queries every shard of a page at once, and the legacy partition with them', async () => {
    const counted = localDynamoDbClient();
    let inFlight = 0;
    let most = 0;
    let queries = 0;
    counted.middlewareStack.add(
      (next) => async (args) => {
        queries += 1;
        inFlight += 1;
        most = Math.max(most, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight -= 1;
        }
      },
      { step: 'initialize' },
    );
    const mappings = new DynamoDbCallbackMappings(counted, table, { callbackIndexShards: 32 });

    await mappings.acceptedBefore(at(-5_000_000), 100);

    expect(queries).toBe(33);
    expect(most).toBe(33);
  });

  it('refuses a shard count outside 1..256 when built', () => {
    expect(() => new DynamoDbCallbackMappings(client, table, { callbackIndexShards: 0 })).toThrow(RangeError);
    expect(() => new DynamoDbCallbackMappings(client, table, { callbackIndexShards: 257 })).toThrow(RangeError);
  });
});

async function everyToken(query: (after: PageCursor | undefined) => Promise<TokenPage>): Promise<string[]> {
  const tokens: string[] = [];
  let after: PageCursor | undefined;
  for (let n = 0; n < 1_000; n += 1) {
    const page = await query(after);
    tokens.push(...page.tokens);
    if (page.next === undefined) return tokens;
    after = page.next;
  }
  throw new Error('the pages never ended');
}
