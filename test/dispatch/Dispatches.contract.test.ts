import { err } from 'neverthrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDispatches } from '../../adapters/dynamodb/DynamoDbDispatches.js';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import { InMemoryDispatches } from '../../adapters/memory/InMemoryDispatches.js';
import type { Dispatches } from '../../application/ports/Dispatches.js';
import { claim, deferred, launched, rejected, released } from '../../domain/dispatch/Dispatch.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { aDispatch, aJobId, at, MAGNET_URL } from './builders.js';
import { parseJobSource } from '../../domain/dispatch/JobSource.js';

type Factory = () => Promise<Dispatches>;

const adapters: [string, Factory][] = [
  ['InMemoryDispatches', async () => new InMemoryDispatches()],
  [
    'DynamoDbDispatches (DynamoDB Local)',
    async () => {
      const client = localDynamoDbClient();
      return new DynamoDbDispatches(client, await createLocalTable(client, jobsTable));
    },
  ],
];

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task/recorders/4f2a';

describe.each(adapters)('Dispatches contract: %s', (_name, make) => {
  let dispatches: Dispatches;
  beforeAll(async () => {
    dispatches = await make();
  });

  it('stores a new dispatch and finds it exactly as it was', async () => {
    const d = aDispatch({ source: parseJobSource(MAGNET_URL)._unsafeUnwrap() });

    (await dispatches.create(d))._unsafeUnwrap();

    expect((await dispatches.find(d.job.jobId))).toEqual(d);
  });

  it('never overwrites: a second create returns the dispatch as it is', async () => {
    const first = aDispatch();
    (await dispatches.create(first))._unsafeUnwrap();

    const again = await dispatches.create({ ...aDispatch({ jobId: first.job.jobId, now: at(50) }) });

    expect(again).toEqual(err({ type: 'DispatchExists', current: first }));
  });

  it('lets exactly one of 25 concurrent creates of one job id win', async () => {
    const jobId = aJobId();
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => dispatches.create(aDispatch({ jobId, now: at(i) }))),
    );

    expect(results.filter((r) => r.isOk())).toHaveLength(1);
    const stored = (await dispatches.find(jobId))!;
    for (const r of results.filter((x) => x.isErr())) expect(r).toEqual(err({ type: 'DispatchExists', current: stored }));
  });

  it('replaces on the version read, and refuses a stale writer with the current dispatch', async () => {
    const d = aDispatch();
    (await dispatches.create(d))._unsafeUnwrap();
    const up = launched(d, ARN, at(3))._unsafeUnwrap();

    expect((await dispatches.replace(d, up)).isOk()).toBe(true);
    const stale = await dispatches.replace(d, deferred(d, ['RESOURCE:CPU'], at(4)));

    expect(stale).toEqual(err({ type: 'DispatchChanged', current: up }));
    expect((await dispatches.find(d.job.jobId))).toEqual(up);
  });

  it('lets exactly one of 20 concurrent claims of an expired lease win', async () => {
    const d = released(aDispatch(), at(1));
    (await dispatches.create(d))._unsafeUnwrap();

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => dispatches.replace(d, claim(d, at(10 + i), 120)._unsafeUnwrap())),
    );

    expect(results.filter((r) => r.isOk())).toHaveLength(1);
    for (const r of results.filter((x) => x.isErr())) expect(r.isErr() && r.error.type).toBe('DispatchChanged');
  });

  it('round-trips every stage: deferred, claimed again, rejected', async () => {
    const d = aDispatch();
    (await dispatches.create(d))._unsafeUnwrap();
    const waiting = deferred(d, ['RESOURCE:MEMORY', 'AGENT'], at(2));
    (await dispatches.replace(d, waiting))._unsafeUnwrap();
    const again = claim(waiting, at(3), 120)._unsafeUnwrap();
    (await dispatches.replace(waiting, again))._unsafeUnwrap();
    const failed = rejected(again, ['MISSING'], at(4))._unsafeUnwrap();

    (await dispatches.replace(again, failed))._unsafeUnwrap();

    expect((await dispatches.find(d.job.jobId))).toEqual(failed);
  });

  it('reports an unknown job on replace, and finds nothing for it', async () => {
    const ghost = aDispatch();

    expect(await dispatches.replace(ghost, released(ghost, at(1)))).toEqual(
      err({ type: 'DispatchNotFound', jobId: ghost.job.jobId }),
    );
    expect((await dispatches.find(ghost.job.jobId))).toBeUndefined();
  });
});
