import { err } from 'neverthrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallbackMappings } from '../../application/ports/CallbackMappings.js';
import type { PageCursor } from '../../application/ports/CallbackMappings.js';
import { abandon, resumed, resumeRefused, tokenGone } from '../../domain/callbacks/CallbackMapping.js';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
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

    await mappings.create(mapping);

    expect((await mappings.find(mapping.callbackToken))._unsafeUnwrap()).toEqual(mapping);
  });

  it('never overwrites an existing token', async () => {
    const mapping = aMapping();
    await mappings.create(mapping);

    const again = await mappings.create({ ...mapping, taskToken: 'other' });

    expect(again).toEqual(err({ type: 'CallbackTokenTaken', callbackToken: mapping.callbackToken }));
    expect((await mappings.find(mapping.callbackToken))._unsafeUnwrap()?.taskToken).toBe(mapping.taskToken);
  });

  it('finds nothing for an unknown token', async () => {
    expect((await mappings.find(aCallbackToken()))._unsafeUnwrap()).toBeUndefined();
  });

  it('accepts a PENDING mapping once, storing the outcome and returning the task token', async () => {
    const mapping = aMapping();
    await mappings.create(mapping);

    const accepted = (await mappings.accept(mapping.callbackToken, aSuccess(), at(30), 'runpod'))._unsafeUnwrap();

    expect(accepted).toEqual({ ...mapping, status: 'ACCEPTED', acceptedAt: '2036-01-06T12:00:30Z', outcome: aSuccess() });
    expect((await mappings.find(mapping.callbackToken))._unsafeUnwrap()).toEqual(accepted);
  });

  it('refuses a second claim, returning the mapping as it now is', async () => {
    const mapping = aMapping();
    await mappings.create(mapping);
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
    await mappings.create(workerMapping);

    const viaWebhook = await mappings.accept(workerMapping.callbackToken, aSuccess(), at(5), 'runpod');
    const viaWorker = await mappings.accept(workerMapping.callbackToken, aSuccess(), at(6), 'worker');

    expect(viaWebhook).toEqual(err({ type: 'CallbackNotFound', callbackToken: workerMapping.callbackToken }));
    expect(viaWorker.isOk()).toBe(true);
  });

  it('lets any channel claim a mapping written without one (seed 001 test records)', async () => {
    const { channel: _none, ...legacy } = aMapping();
    await mappings.create(legacy);

    expect((await mappings.accept(legacy.callbackToken, aSuccess(), at(5), 'runpod')).isOk()).toBe(true);
  });

  it('lets exactly one of 50 concurrent claims win', async () => {
    const mapping = aMapping();
    await mappings.create(mapping);

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
    await mappings.create(mapping);
    const accepted = (await mappings.accept(mapping.callbackToken, aSuccess(), at(10), 'runpod'))._unsafeUnwrap();
    const completed = resumed(accepted, at(11))._unsafeUnwrap();

    expect((await mappings.finish(completed)).isOk()).toBe(true);
    expect((await mappings.find(mapping.callbackToken))._unsafeUnwrap()).toEqual(completed);
    expect(await mappings.finish(completed)).toEqual(err({ type: 'CallbackNotInStatus', current: completed }));
    expect(await allTokens((after) => mappings.acceptedBefore(at(1000), 100, after))).not.toContain(mapping.callbackToken);
  });

  it('records why a token is gone', async () => {
    const mapping = aMapping();
    await mappings.create(mapping);
    const accepted = (await mappings.accept(mapping.callbackToken, aFailure(), at(10), 'runpod'))._unsafeUnwrap();
    const expired = tokenGone(accepted, 'TaskTimedOut', at(12))._unsafeUnwrap();

    await mappings.finish(expired);

    expect((await mappings.find(mapping.callbackToken))._unsafeUnwrap()).toEqual(expired);
  });

  it('lists accepted, unfinished mappings accepted by a cutoff, oldest first, up to a limit', async () => {
    const base = 100_000;
    const [a, b, c, d] = [aMapping(), aMapping(), aMapping(), aMapping()];
    for (const m of [a, b, c, d]) await mappings.create(m!);
    await mappings.accept(b!.callbackToken, aSuccess(), at(base + 2), 'runpod');
    await mappings.accept(a!.callbackToken, aSuccess(), at(base + 1), 'runpod');
    await mappings.accept(c!.callbackToken, aSuccess(), at(base + 50), 'runpod');

    const due = (await mappings.acceptedBefore(at(base + 10), 100))._unsafeUnwrap().tokens;
    const firstOnly = (await mappings.acceptedBefore(at(base + 10), 1))._unsafeUnwrap().tokens;

    const ours = due.filter((t) => [a, b, c, d].some((m) => m!.callbackToken === t));
    expect(ours).toEqual([a!.callbackToken, b!.callbackToken]);
    expect(firstOnly).toHaveLength(1);
  });

  it('grants one lease at a time, and again once it has run out', async () => {
    const mapping = aMapping();
    await mappings.create(mapping);
    await mappings.accept(mapping.callbackToken, aSuccess(), at(10), 'runpod');

    const first = await mappings.lease(mapping.callbackToken, at(100), at(160));
    const whileHeld = await mappings.lease(mapping.callbackToken, at(120), at(180));
    const afterExpiry = await mappings.lease(mapping.callbackToken, at(161), at(221));

    expect(first.isOk()).toBe(true);
    expect(whileHeld.isErr() && whileHeld.error.type).toBe('CallbackNotInStatus');
    expect(afterExpiry.isOk()).toBe(true);
  });

  it('grants no lease on a mapping that is not ACCEPTED', async () => {
    const mapping = aMapping();
    await mappings.create(mapping);

    expect(await mappings.lease(mapping.callbackToken, at(1), at(60))).toEqual(
      err({ type: 'CallbackNotInStatus', current: mapping }),
    );
  });

  it('discards a PENDING mapping but nothing already accepted', async () => {
    const [pending, accepted] = [aMapping(), aMapping()];
    await mappings.create(pending);
    await mappings.create(accepted);
    await mappings.accept(accepted.callbackToken, aSuccess(), at(1), 'runpod');

    await mappings.discardPending(pending.callbackToken);
    await mappings.discardPending(accepted.callbackToken);
    await mappings.discardPending(aCallbackToken());

    expect((await mappings.find(pending.callbackToken))._unsafeUnwrap()).toBeUndefined();
    expect((await mappings.find(accepted.callbackToken))._unsafeUnwrap()?.status).toBe('ACCEPTED');
  });

  it('records the provider job id whatever the status', async () => {
    const mapping = aMapping();
    await mappings.create(mapping);
    await mappings.accept(mapping.callbackToken, aSuccess(), at(1), 'runpod');

    await mappings.recordJobId(mapping.callbackToken, 'runpod-job-abc123');

    expect((await mappings.find(mapping.callbackToken))._unsafeUnwrap()?.jobId).toBe('runpod-job-abc123');
    const unknown = aCallbackToken();
    expect(await mappings.recordJobId(unknown, 'x')).toEqual(err({ type: 'CallbackNotFound', callbackToken: unknown }));
  });

  it('pages through an index from where the last page stopped, each token once, whatever stays behind', async () => {
    const base = 200_000;
    const ours = Array.from({ length: 7 }, () => aMapping());
    for (const m of ours) await mappings.create(m);
    for (const [i, m] of ours.entries()) await mappings.accept(m.callbackToken, aSuccess(), at(base + i), 'runpod');

    const pages: string[][] = [];
    let after: PageCursor | undefined;
    do {
      const page = (await mappings.acceptedBefore(at(base + 100), 3, after))._unsafeUnwrap();
      pages.push(page.tokens.filter((t) => ours.some((m) => m.callbackToken === t)));
      after = page.next;
    } while (after !== undefined && pages.length < 50);

    // Nothing was resumed: every item stays in the index, and still the pages move on.
    expect(pages.flat()).toEqual(ours.map((m) => m.callbackToken));
    expect(pages.some((p) => p.length > 0 && p.length <= 3)).toBe(true);
  });

  it('holds PENDING RunPod mappings in the reconcile index, never worker or channel-less ones', async () => {
    const created = at(-300_000);
    const runpod = aMapping({ now: created });
    const worker = aMapping({ now: created, channel: 'worker', jobId: 'pipeline-job-1' });
    const { channel: _none, ...legacy } = aMapping({ now: created });
    for (const m of [runpod, worker, legacy]) await mappings.create(m);

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
    for (const m of [claimed, abandoned, discarded, pending]) await mappings.create(m!);

    await mappings.accept(claimed!.callbackToken, aSuccess(), at(1), 'runpod');
    await mappings.abandon(abandon(abandoned!, 'TaskTimedOut', at(2))._unsafeUnwrap());
    await mappings.discardPending(discarded!.callbackToken);
    const due = await allTokens((after) => mappings.pendingRunPodBefore(at(-399_000), 100, after));

    expect(due).toContain(pending!.callbackToken);
    expect(due).not.toContain(claimed!.callbackToken);
    expect(due).not.toContain(abandoned!.callbackToken);
    expect(due).not.toContain(discarded!.callbackToken);
  });

  it('abandons a PENDING mapping once; a claim after it loses, and it loses to a claim before it', async () => {
    const [first, second] = [aMapping(), aMapping()];
    for (const m of [first, second]) await mappings.create(m!);
    await mappings.recordJobId(first!.callbackToken, 'runpod-job-9');
    const abandoned = abandon(first!, 'TaskTimedOut', at(20))._unsafeUnwrap();

    expect((await mappings.abandon(abandoned)).isOk()).toBe(true);
    const stored = { ...abandoned, jobId: 'runpod-job-9' };
    expect((await mappings.find(first!.callbackToken))._unsafeUnwrap()).toEqual(stored);
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
    await mappings.create(mapping);
    const accepted = (await mappings.accept(mapping.callbackToken, aSuccess(), at(500_000), 'runpod'))._unsafeUnwrap();
    const refused = resumeRefused(accepted, 'AccessDeniedException: not authorized to perform states:SendTaskSuccess', at(500_001))._unsafeUnwrap();

    await mappings.finish(refused);

    expect((await mappings.find(mapping.callbackToken))._unsafeUnwrap()).toEqual(refused);
    expect(await allTokens((after) => mappings.acceptedBefore(at(600_000), 100, after))).not.toContain(mapping.callbackToken);
  });

  it('holds a lease up to and including its last instant', async () => {
    const mapping = aMapping();
    await mappings.create(mapping);
    await mappings.accept(mapping.callbackToken, aSuccess(), at(10), 'runpod');

    await mappings.lease(mapping.callbackToken, at(100), at(130));
    const atTheEnd = await mappings.lease(mapping.callbackToken, at(130), at(160));
    const after = await mappings.lease(mapping.callbackToken, new Date(at(130).getTime() + 1), at(160));

    expect(atTheEnd.isErr()).toBe(true);
    expect(after.isOk()).toBe(true);
  });

  it('finds every mapping of an execution, whatever its status, and none of another', async () => {
    const arn = `arn:aws:states:us-east-1:123456789012:execution:upscale:${aCallbackToken().slice(0, 12)}`;
    const [runpod, worker, other] = [aMapping({ executionArn: arn }), aMapping({ executionArn: arn, channel: 'worker' }), aMapping()];
    for (const m of [runpod, worker, other]) await mappings.create(m!);
    await mappings.accept(runpod!.callbackToken, aSuccess(), at(1), 'runpod');

    const found = await allTokens((after) => mappings.forExecution(arn, 1, after));

    expect(found.sort()).toEqual([runpod!.callbackToken, worker!.callbackToken].sort());
    expect((await mappings.find(worker!.callbackToken))._unsafeUnwrap()?.executionArn).toBe(arn);
  });
});

/** Every token of an index query, page after page. */
async function allTokens(
  query: (after: PageCursor | undefined) => ReturnType<CallbackMappings['acceptedBefore']>,
): Promise<string[]> {
  const tokens: string[] = [];
  let after: PageCursor | undefined;
  for (let pages = 0; pages < 100; pages += 1) {
    const page = (await query(after))._unsafeUnwrap();
    tokens.push(...page.tokens);
    if (page.next === undefined) break;
    after = page.next;
  }
  return tokens;
}
