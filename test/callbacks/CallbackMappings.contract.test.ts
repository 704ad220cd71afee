import { err } from 'neverthrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallbackMappings } from '../../application/ports/CallbackMappings.js';
import { resumed, tokenGone } from '../../domain/callbacks/CallbackMapping.js';
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
    expect((await mappings.acceptedBefore(at(1000), 100))._unsafeUnwrap()).not.toContain(mapping.callbackToken);
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

    const due = (await mappings.acceptedBefore(at(base + 10), 100))._unsafeUnwrap();
    const firstOnly = (await mappings.acceptedBefore(at(base + 10), 1))._unsafeUnwrap();

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
});
