import { createHash } from 'node:crypto';
import { err } from 'neverthrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallbackMappings } from '../../application/ports/CallbackMappings.js';
import type { PageCursor } from '../../application/ports/CallbackMappings.js';
import { abandon, resumed, resumeRefused, tokenGone } from '../../domain/callbacks/CallbackMapping.js';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { isoSeconds } from '../../domain/shared/time.js';
import { aCallbackToken, aFailure, aMapping, aSuccess, at } from './builders.js';

type Factory = () => Promise<CallbackMappings>;

const adapters: [string, Factory][] = [
  ['InMemoryCallbackMappings', async () => new InMemoryCallbackMappings()],
  [
    'DynamoDbCallbackMappings (DynamoDB Local)',
    async () => {
      const client = localDynamoDbClient();
      return new DynamoDbCallbackMappings(client, await createLocalTable(client, callbacksTable));
    },
  ],
];

describe.each(adapters)('CallbackMappings contract: %s', (_name, make) => {
  let mappings: CallbackMappings;
  beforeAll(async () => {
    mappings = await make();
  });

  it('stores a new mapping and finds it as it was', async () => {
    const mapping = aMapping();

    (await mappings.create(mapping))._unsafeUnwrap();

    expect(await mappings.find(mapping.callbackToken)).toEqual(mapping);
  });

  it('never overwrites an existing token', async () => {
    const mapping = aMapping();
    (await mappings.create(mapping))._unsafeUnwrap();

    const again = await mappings.create({ ...mapping, taskToken: 'other' });

    expect(again).toEqual(err({ type: 'CallbackTokenTaken', callbackToken: mapping.callbackToken }));
    expect((await mappings.find(mapping.callbackToken))?.taskToken).toBe(mapping.taskToken);
  });

  it('finds nothing for an unknown token', async () => {
    expect(await mappings.find(aCallbackToken())).toBeUndefined();
  });

  it('accepts a PENDING mapping once, storing the outcome and returning the task token', async () => {
    const mapping = aMapping();
    (await mappings.create(mapping))._unsafeUnwrap();

    const accepted = (await mappings.accept(mapping.callbackToken, aSuccess(), at(30), 'runpod'))._unsafeUnwrap();

    expect(accepted).toEqual({ ...mapping, status: 'ACCEPTED', acceptedAt: '2036-01-06T12:00:30Z', outcome: aSuccess() });
    expect(await mappings.find(mapping.callbackToken)).toEqual(accepted);
  });

  it('refuses a second claim, returning the mapping as it now is', async () => {
    const mapping = aMapping();
    (await mappings.create(mapping))._unsafeUnwrap();
    const first = (await mappings.accept(mapping.callbackToken, aSuccess(), at(30), 'runpod'))._unsafeUnwrap();

    const second = await mappings.accept(mapping.callbackToken, aFailure(), at(31), 'runpod');

    expect(second).toEqual(err({ type: 'CallbackNotInStatus', current: first }));
  });

  it('reports an unknown token on claim', async () => {
    const token = aCallbackToken();
    expect(await mappings.accept(token, aSuccess(), at(1), 'runpod')).toEqual(err({ type: 'CallbackNotFound', callbackToken: token }));
  });

  it("answers not found to a claim through another channel (a worker's token on the public webhook)", async () => {
    const workerMapping = aMapping({ channel: 'worker' });
    (await mappings.create(workerMapping))._unsafeUnwrap();

    const viaWebhook = await mappings.accept(workerMapping.callbackToken, aSuccess(), at(5), 'runpod');
    const viaWorker = await mappings.accept(workerMapping.callbackToken, aSuccess(), at(6), 'worker');

    expect(viaWebhook).toEqual(err({ type: 'CallbackNotFound', callbackToken: workerMapping.callbackToken }));
    expect(viaWorker.isOk()).toBe(true);
  });

  it('lets any channel claim a mapping written without one (seed 001 test records)', async () => {
    const { channel: _none, ...legacy } = aMapping();
    (await mappings.create(legacy))._unsafeUnwrap();

    expect((await mappings.accept(legacy.callbackToken, aSuccess(), at(5), 'runpod')).isOk()).toBe(true);
  });

  it('lets exactly one of 50 concurrent claims win', async () => {
    const mapping = aMapping();
    (await mappings.create(mapping))._unsafeUnwrap();

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => mappings.accept(mapping.callbackToken, aSuccess({ i }), at(i), 'runpod')),
    );

    expect(results.filter((r) => r.isOk())).toHaveLength(1);
    const winner = results.find((r) => r.isOk())!._unsafeUnwrap();
    for (const r of results.filter((r) => r.isErr())) {
      expect(r).toEqual(err({ type: 'CallbackNotInStatus', current: winner }));
    }
  });

  it('finishes an ACCEPTED mapping once, and takes it out of the redrive set', async () => {
    const mapping = aMapping();
    (await mappings.create(mapping))._unsafeUnwrap();
    const accepted = (await mappings.accept(mapping.callbackToken, aSuccess(), at(10), 'runpod'))._unsafeUnwrap();
    const completed = resumed(accepted, at(11))._unsafeUnwrap();

    expect((await mappings.finish(completed)).isOk()).toBe(true);
    expect(await mappings.find(mapping.callbackToken)).toEqual(completed);
    expect(await mappings.finish(completed)).toEqual(err({ type: 'CallbackNotInStatus', current: completed }));
    expect(await allTokens((after) => mappings.acceptedBefore(at(1000), 100, after))).not.toContain(mapping.callbackToken);
  });

  it('records why a token is gone', async () => {
    const mapping = aMapping();
    (await mappings.create(mapping))._unsafeUnwrap();
    const accepted = (await mappings.accept(mapping.callbackToken, aFailure(), at(10), 'runpod'))._unsafeUnwrap();
    const expired = tokenGone(accepted, 'TaskTimedOut', at(12))._unsafeUnwrap();

    (await mappings.finish(expired))._unsafeUnwrap();

    expect(await mappings.find(mapping.callbackToken)).toEqual(expired);
  });

  it('lists accepted, unfinished mappings accepted by a cutoff, oldest first, up to a limit', async () => {
    const base = 100_000;
    const [a, b, c, d] = [aMapping(), aMapping(), aMapping(), aMapping()];
    for (const m of [a, b, c, d]) (await mappings.create(m!))._unsafeUnwrap();
    (await mappings.accept(b!.callbackToken, aSuccess(), at(base + 2), 'runpod'))._unsafeUnwrap();
    (await mappings.accept(a!.callbackToken, aSuccess(), at(base + 1), 'runpod'))._unsafeUnwrap();
    (await mappings.accept(c!.callbackToken, aSuccess(), at(base + 50), 'runpod'))._unsafeUnwrap();

    const due = (await mappings.acceptedBefore(at(base + 10), 100)).tokens;
    const firstOnly = (await mappings.acceptedBefore(at(base + 10), 1)).tokens;

    const ours = due.filter((t) => [a, b, c, d].some((m) => m!.callbackToken === t));
    expect(ours).toEqual([a!.callbackToken, b!.callbackToken]);
    expect(firstOnly).toHaveLength(1);
  });

  it('grants one lease at a time, and again once it has run out', async () => {
    const mapping = aMapping();
    (await mappings.create(mapping))._unsafeUnwrap();
    (await mappings.accept(mapping.callbackToken, aSuccess(), at(10), 'runpod'))._unsafeUnwrap();

    const first = await mappings.lease(mapping.callbackToken, at(100), at(160));
    const whileHeld = await mappings.lease(mapping.callbackToken, at(120), at(180));
    const afterExpiry = await mappings.lease(mapping.callbackToken, at(161), at(221));

    expect(first.isOk()).toBe(true);
    expect(whileHeld.isErr() && whileHeld.error.type).toBe('CallbackNotInStatus');
    expect(afterExpiry.isOk()).toBe(true);
  });

  it('grants no lease on a mapping that is not ACCEPTED', async () => {
    const mapping = aMapping();
    (await mappings.create(mapping))._unsafeUnwrap();

    expect(await mappings.lease(mapping.callbackToken, at(1), at(60))).toEqual(
      err({ type: 'CallbackNotInStatus', current: mapping }),
    );
  });

  it('discards a PENDING mapping but nothing already accepted', async () => {
    const [pending, accepted] = [aMapping(), aMapping()];
    (await mappings.create(pending))._unsafeUnwrap();
    (await mappings.create(accepted))._unsafeUnwrap();
    (await mappings.accept(accepted.callbackToken, aSuccess(), at(1), 'runpod'))._unsafeUnwrap();

    await mappings.discardPending(pending.callbackToken);
    await mappings.discardPending(accepted.callbackToken);
    await mappings.discardPending(aCallbackToken());

    expect(await mappings.find(pending.callbackToken)).toBeUndefined();
    expect((await mappings.find(accepted.callbackToken))?.status).toBe('ACCEPTED');
  });

  it('notes an unanswered resume on an ACCEPTED mapping only, and keeps it on record when finished', async () => {
    const [pending, accepted] = [aMapping(), aMapping()];
    (await mappings.create(pending))._unsafeUnwrap();
    (await mappings.create(accepted))._unsafeUnwrap();
    (await mappings.accept(accepted.callbackToken, aSuccess(), at(10), 'runpod'))._unsafeUnwrap();
    const unknown = aCallbackToken();

    await mappings.noteUnansweredResume(accepted.callbackToken, at(11));
    await mappings.noteUnansweredResume(pending.callbackToken, at(11));
    await mappings.noteUnansweredResume(unknown, at(11));

    const noted = await mappings.find(accepted.callbackToken);
    expect(noted).toMatchObject({ status: 'ACCEPTED', resumeUnansweredAt: isoSeconds(at(11)) });
    expect(await mappings.find(pending.callbackToken)).toEqual(pending);
    expect(await mappings.find(unknown)).toBeUndefined();
    const completed = resumed(noted!, at(12))._unsafeUnwrap();
    (await mappings.finish(completed))._unsafeUnwrap();
    expect(await mappings.find(accepted.callbackToken)).toEqual(completed);
  });

  it('records the provider job id whatever the status', async () => {
    const mapping = aMapping();
    (await mappings.create(mapping))._unsafeUnwrap();
    (await mappings.accept(mapping.callbackToken, aSuccess(), at(1), 'runpod'))._unsafeUnwrap();

    (await mappings.recordJobId(mapping.callbackToken, 'runpod-job-abc123'))._unsafeUnwrap();

    expect((await mappings.find(mapping.callbackToken))?.jobId).toBe('runpod-job-abc123');
    const unknown = aCallbackToken();
    expect(await mappings.recordJobId(unknown, 'x')).toEqual(err({ type: 'CallbackNotFound', callbackToken: unknown }));
  });

  it('pages through an index from where the last page stopped, each token once, whatever stays behind', async () => {
    const base = 200_000;
    const ours = Array.from({ length: 7 }, () => aMapping());
    for (const m of ours) (await mappings.create(m))._unsafeUnwrap();
    for (const [i, m] of ours.entries()) (await mappings.accept(m.callbackToken, aSuccess(), at(base + i), 'runpod'))._unsafeUnwrap();

    const pages: string[][] = [];
    let after: PageCursor | undefined;
    do {
      const page = await mappings.acceptedBefore(at(base + 100), 3, after);
      pages.push(page.tokens.filter((t) => ours.some((m) => m.callbackToken === t)));
      after = page.next;
    } while (after !== undefined && pages.length < 50);

    // Nothing was resumed: every item stays in the index, and still the pages move on, each token
    // once. (Shards advance each in time order; across shards only a page is in time order.)
    expect(pages.flat()).toHaveLength(7);
    expect([...pages.flat()].sort()).toEqual(ours.map((m) => m.callbackToken).sort());
    expect(pages.some((p) => p.length > 0 && p.length <= 3)).toBe(true);
  });

  it('holds PENDING RunPod mappings in the reconcile index, never worker or channel-less ones', async () => {
    const created = at(-300_000);
    const runpod = aMapping({ now: created });
    const worker = aMapping({ now: created, channel: 'worker', jobId: 'pipeline-job-1' });
    const { channel: _none, ...legacy } = aMapping({ now: created });
    for (const m of [runpod, worker, legacy]) (await mappings.create(m))._unsafeUnwrap();

    const before = await allTokens((after) => mappings.pendingRunPodBefore(at(-299_000), 100, after));
    const tooEarly = await allTokens((after) => mappings.pendingRunPodBefore(at(-300_001), 100, after));

    expect(before).toContain(runpod.callbackToken);
    expect(before).not.toContain(worker.callbackToken);
    expect(before).not.toContain(legacy.callbackToken);
    expect(tooEarly).not.toContain(runpod.callbackToken);
  });

  it('takes a mapping out of the reconcile index when it is claimed, abandoned or discarded', async () => {
    const created = at(-400_000);
    const [claimed, abandoned, discarded, pending] = [aMapping({ now: created }), aMapping({ now: created }), aMapping({ now: created }), aMapping({ now: created })];
    for (const m of [claimed, abandoned, discarded, pending]) (await mappings.create(m!))._unsafeUnwrap();

    (await mappings.accept(claimed!.callbackToken, aSuccess(), at(1), 'runpod'))._unsafeUnwrap();
    (await mappings.abandon(abandon(abandoned!, 'TaskTimedOut', at(2))._unsafeUnwrap()))._unsafeUnwrap();
    await mappings.discardPending(discarded!.callbackToken);
    const due = await allTokens((after) => mappings.pendingRunPodBefore(at(-399_000), 100, after));

    expect(due).toContain(pending!.callbackToken);
    expect(due).not.toContain(claimed!.callbackToken);
    expect(due).not.toContain(abandoned!.callbackToken);
    expect(due).not.toContain(discarded!.callbackToken);
  });

  it('abandons a PENDING mapping once; a claim after it loses, and it loses to a claim before it', async () => {
    const [first, second] = [aMapping(), aMapping()];
    for (const m of [first, second]) (await mappings.create(m!))._unsafeUnwrap();
    (await mappings.recordJobId(first!.callbackToken, 'runpod-job-9'))._unsafeUnwrap();
    const abandoned = abandon(first!, 'TaskTimedOut', at(20))._unsafeUnwrap();

    expect((await mappings.abandon(abandoned)).isOk()).toBe(true);
    const stored = { ...abandoned, jobId: 'runpod-job-9' };
    expect(await mappings.find(first!.callbackToken)).toEqual(stored);
    expect(await mappings.abandon(abandoned)).toEqual(err({ type: 'CallbackNotInStatus', current: stored }));
    expect(await mappings.accept(first!.callbackToken, aSuccess(), at(21), 'runpod')).toEqual(
      err({ type: 'CallbackNotInStatus', current: stored }),
    );

    const claimed = (await mappings.accept(second!.callbackToken, aSuccess(), at(22), 'runpod'))._unsafeUnwrap();
    expect(await mappings.abandon(abandon(second!, 'TaskTimedOut', at(23))._unsafeUnwrap())).toEqual(
      err({ type: 'CallbackNotInStatus', current: claimed }),
    );
  });

  it('records a permanent refusal, out of the redrive index', async () => {
    const mapping = aMapping();
    (await mappings.create(mapping))._unsafeUnwrap();
    const accepted = (await mappings.accept(mapping.callbackToken, aSuccess(), at(500_000), 'runpod'))._unsafeUnwrap();
    const refused = resumeRefused(accepted, 'AccessDeniedException: not authorized to perform states:SendTaskSuccess', at(500_001))._unsafeUnwrap();

    (await mappings.finish(refused))._unsafeUnwrap();

    expect(await mappings.find(mapping.callbackToken)).toEqual(refused);
    expect(await allTokens((after) => mappings.acceptedBefore(at(600_000), 100, after))).not.toContain(mapping.callbackToken);
  });

  it('holds a lease up to and including its last instant', async () => {
    const mapping = aMapping();
    (await mappings.create(mapping))._unsafeUnwrap();
    (await mappings.accept(mapping.callbackToken, aSuccess(), at(10), 'runpod'))._unsafeUnwrap();

    (await mappings.lease(mapping.callbackToken, at(100), at(130)))._unsafeUnwrap();
    const atTheEnd = await mappings.lease(mapping.callbackToken, at(130), at(160));
    const after = await mappings.lease(mapping.callbackToken, new Date(at(130).getTime() + 1), at(160));

    expect(atTheEnd.isErr()).toBe(true);
    expect(after.isOk()).toBe(true);
  });

  it('finds every mapping of an execution, whatever its status, and none of another', async () => {
    const arn = `arn:aws:states:us-east-1:123456789012:execution:upscale:${aCallbackToken().slice(0, 12)}`;
    const [runpod, worker, other] = [aMapping({ executionArn: arn }), aMapping({ executionArn: arn, channel: 'worker' }), aMapping()];
    for (const m of [runpod, worker, other]) (await mappings.create(m!))._unsafeUnwrap();
    (await mappings.accept(runpod!.callbackToken, aSuccess(), at(1), 'runpod'))._unsafeUnwrap();

    const found = await allTokens((after) => mappings.forExecution(arn, 1, after));

    expect(found.sort()).toEqual([runpod!.callbackToken, worker!.callbackToken].sort());
    expect((await mappings.find(worker!.callbackToken))?.executionArn).toBe(arn);
  });
});

const SHARD_COUNTS = [1, 4, 32];
const shardedAdapters: [string, number, () => Promise<CallbackMappings>][] = SHARD_COUNTS.flatMap((shards) => [
  ['InMemoryCallbackMappings', shards, async () => new InMemoryCallbackMappings({ callbackIndexShards: shards })],
  [
    'DynamoDbCallbackMappings (DynamoDB Local)',
    shards,
    async () => {
      const client = localDynamoDbClient();
      return new DynamoDbCallbackMappings(client, await createLocalTable(client, callbacksTable), { callbackIndexShards: shards });
    },
  ],
]);

describe.each(shardedAdapters)('CallbackMappings contract, sharded indexes: %s, %i shards', (_name, shards, make) => {
  let mappings: CallbackMappings;
  beforeAll(async () => {
    mappings = await make();
  });

  /** `n` mappings with tokens fixed by `seed` (the shard layout is the same every run), times spread over 13 seconds. */
  const many = (seed: string, n: number, base: number) =>
    Array.from({ length: n }, (_, i) => ({
      mapping: aMapping({ callbackToken: createHash('sha256').update(`${seed}/${shards}/${i}`).digest('hex'), now: at(base + (i % 13)) }),
      second: base + (i % 13),
    }));

  it.each([2, 7, 50])('pages through 60 accepted mappings %i at a time: each token once, no page over its limit, each page in time order', async (limit) => {
    const ours = many(`redrive-${limit}`, 60, 700_000 + limit * 1000);
    for (const r of await inBatches(ours, ({ mapping }) => mappings.create(mapping))) r._unsafeUnwrap();
    for (const r of await inBatches(ours, ({ mapping, second }) => mappings.accept(mapping.callbackToken, aSuccess(), at(second), 'runpod'))) r._unsafeUnwrap();
    const secondOf = new Map(ours.map((o) => [o.mapping.callbackToken, o.second]));

    const pages = await allPages((after) => mappings.acceptedBefore(at(800_000), limit, after));

    const found = pages.flat().filter((t) => secondOf.has(t));
    expect(found.length).toBe(60);
    expect(new Set(found).size).toBe(60);
    expect(pages.every((p) => p.length <= limit)).toBe(true);
    for (const page of pages) {
      const seconds = page.filter((t) => secondOf.has(t)).map((t) => secondOf.get(t)!);
      expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    }
  });

  it.each([2, 7, 50])('pages through 60 PENDING RunPod mappings %i at a time: each token once, none created after the cutoff', async (limit) => {
    const base = -900_000 - limit * 1000;
    const ours = many(`reconcile-${limit}`, 60, base);
    for (const r of await inBatches(ours, ({ mapping }) => mappings.create(mapping))) r._unsafeUnwrap();

    const found = (await allPages((after) => mappings.pendingRunPodBefore(at(base + 6), limit, after)))
      .flat()
      .filter((t) => ours.some((o) => o.mapping.callbackToken === t));

    const due = ours.filter((o) => o.second <= base + 6).map((o) => o.mapping.callbackToken);
    expect(found.sort()).toEqual(due.sort());
  });

  it('misses nothing and repeats nothing while items leave the index between pages', async () => {
    const base = 1_000_000;
    const ours = many('leaving', 60, base);
    for (const r of await inBatches(ours, ({ mapping }) => mappings.create(mapping))) r._unsafeUnwrap();
    const accepted = await inBatches(ours, ({ mapping, second }) => mappings.accept(mapping.callbackToken, aSuccess(), at(second), 'runpod'));
    const byToken = new Map(accepted.map((r) => [r._unsafeUnwrap().callbackToken, r._unsafeUnwrap()]));
    const cutoff = at(base + 100);

    const first = await mappings.acceptedBefore(cutoff, 5);
    // Resumed meanwhile by webhooks and another redrive: some already read, some not yet.
    const unread = ours.map((o) => o.mapping.callbackToken).filter((t) => !first.tokens.includes(t));
    const leaving = [...first.tokens.slice(0, 3), ...unread.filter((_, i) => i % 8 === 0)].filter((t) => byToken.has(t));
    for (const token of leaving) (await mappings.finish(resumed(byToken.get(token)!, at(base + 200))._unsafeUnwrap()))._unsafeUnwrap();
    const rest = await allPages((after) => mappings.acceptedBefore(cutoff, 5, after), first.next);

    const found = [...first.tokens, ...rest.flat()].filter((t) => byToken.has(t));
    expect(new Set(found).size).toBe(found.length);
    const stayed = [...byToken.keys()].filter((t) => !leaving.includes(t));
    expect(stayed.every((t) => found.includes(t))).toBe(true);
    expect(found.filter((t) => leaving.includes(t) && !first.tokens.includes(t))).toEqual([]);
  });
});

/** Every page of an index query (tokens only), from `after` on. */
async function allPages(
  query: (after: PageCursor | undefined) => ReturnType<CallbackMappings['acceptedBefore']>,
  after?: PageCursor,
): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor = after;
  for (let n = 0; n < 2_000; n += 1) {
    const page = await query(cursor);
    pages.push([...page.tokens]);
    if (page.next === undefined) return pages;
    cursor = page.next;
  }
  throw new Error('the pages never ended');
}

/** `f` over `items`, 20 at a time (DynamoDB Local answers in order, a few hundred writes take a moment). */
async function inBatches<T, R>(items: readonly T[], f: (item: T) => PromiseLike<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += 20) out.push(...(await Promise.all(items.slice(i, i + 20).map(f))));
  return out;
}

/** Every token of an index query, page after page. */
async function allTokens(
  query: (after: PageCursor | undefined) => ReturnType<CallbackMappings['acceptedBefore']>,
): Promise<string[]> {
  const tokens: string[] = [];
  let after: PageCursor | undefined;
  for (let pages = 0; pages < 100; pages += 1) {
    const page = await query(after);
    tokens.push(...page.tokens);
    if (page.next === undefined) break;
    after = page.next;
  }
  return tokens;
}
