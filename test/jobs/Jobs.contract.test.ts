import { err, ok } from 'neverthrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Jobs } from '../../application/ports/Jobs.js';
import { DynamoDbJobs } from '../../adapters/dynamodb/DynamoDbJobs.js';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { aJob, at, complete, fail, moved, retry, start } from './builders.js';

type Factory = () => Promise<Jobs>;

const adapters: [string, Factory][] = [
  ['InMemoryJobs', async () => new InMemoryJobs()],
  [
    'DynamoDbJobs (DynamoDB Local)',
    async () => {
      const client = localDynamoDbClient();
      return new DynamoDbJobs(client, await createLocalTable(client, jobsTable));
    },
  ],
];

describe.each(adapters)('Jobs contract: %s', (_name, make) => {
  let jobs: Jobs;
  beforeAll(async () => {
    jobs = await make();
  });

  it('stores a new job and gets it back as it was', async () => {
    const job = aJob();

    (await jobs.create(job))._unsafeUnwrap();

    expect(await jobs.get(job.jobId)).toEqual(job);
  });

  it('never overwrites an existing job', async () => {
    const job = aJob();
    (await jobs.create(job))._unsafeUnwrap();

    const again = await jobs.create({ ...job, spec: { other: true } });

    expect(again).toEqual(err({ type: 'JobIdTaken', jobId: job.jobId }));
    expect((await jobs.get(job.jobId))?.spec).toEqual(job.spec);
  });

  it('gets nothing for an unknown id', async () => {
    expect(await jobs.get(aJob().jobId)).toEqual(undefined);
  });

  it('answers a reused idempotency key with the job it made, and makes no second job', async () => {
    const first = aJob();
    const second = aJob();
    (await jobs.create(first, { idempotencyKey: `k-${first.jobId}` }))._unsafeUnwrap();

    const again = await jobs.create(second, { idempotencyKey: `k-${first.jobId}` });

    expect(again).toEqual(err({ type: 'IdempotencyKeyTaken', idempotencyKey: `k-${first.jobId}`, jobId: first.jobId }));
    expect(await jobs.get(second.jobId)).toEqual(undefined);
  });

  it('does not treat the idempotency record as a job', async () => {
    const job = aJob();
    (await jobs.create(job, { idempotencyKey: `k-${job.jobId}` }))._unsafeUnwrap();

    expect(await jobs.get(`idempotency#k-${job.jobId}`)).toEqual(undefined);
  });

  it('lets a released key make a new job, but only the owner can release it', async () => {
    const first = aJob();
    const key = `k-${first.jobId}`;
    (await jobs.create(first, { idempotencyKey: key }))._unsafeUnwrap();

    await jobs.releaseIdempotencyKey(key, 'someone-else');
    expect(await jobs.create(aJob(), { idempotencyKey: key })).toEqual(
      err({ type: 'IdempotencyKeyTaken', idempotencyKey: key, jobId: first.jobId }),
    );
    await jobs.releaseIdempotencyKey(key, first.jobId);
    const second = aJob();

    expect(await jobs.create(second, { idempotencyKey: key })).toEqual(ok(undefined));
  });

  it('writes a change made on the current status and version, with every field', async () => {
    const job = aJob();
    (await jobs.create(job))._unsafeUnwrap();
    const running = moved(job, start);
    (await jobs.update(job, running))._unsafeUnwrap();
    const done = moved(running, complete);

    const r = await jobs.update(running, done);

    expect(r).toEqual(ok(done));
    expect(await jobs.get(job.jobId)).toEqual(done);
  });

  it('removes fields the new job no longer has, and keeps errors and failure details', async () => {
    const job = aJob();
    (await jobs.create(job))._unsafeUnwrap();
    const retrying = moved(job, start, retry);
    (await jobs.update(job, retrying))._unsafeUnwrap();
    const failed = moved(retrying, start, { status: 'failed', error: { message: 'x', type: 'T', state: 'Render' } });

    (await jobs.update(retrying, failed))._unsafeUnwrap();

    expect(await jobs.get(job.jobId)).toEqual(failed);
  });

  it('refuses a stale write and returns the job as it is now', async () => {
    const job = aJob();
    (await jobs.create(job))._unsafeUnwrap();
    const done = moved(job, start, complete);
    (await jobs.update(job, done))._unsafeUnwrap();

    const stale = await jobs.update(job, moved(job, start));

    expect(stale).toEqual(err({ type: 'JobChanged', current: done }));
    expect(await jobs.get(job.jobId)).toEqual(done);
  });

  it('refuses a write on the right status but an older version', async () => {
    const job = aJob();
    (await jobs.create(job))._unsafeUnwrap();
    const once = moved(job, start);
    (await jobs.update(job, once))._unsafeUnwrap();
    const twice = moved(once, start);
    (await jobs.update(once, twice))._unsafeUnwrap();

    const r = await jobs.update(once, moved(once, fail));

    expect(r).toEqual(err({ type: 'JobChanged', current: twice }));
  });

  it('refuses to update a job that does not exist, creating nothing', async () => {
    const job = aJob();

    const r = await jobs.update(job, moved(job, start));

    expect(r).toEqual(err({ type: 'JobNotFound', jobId: job.jobId }));
    expect(await jobs.get(job.jobId)).toEqual(undefined);
  });

  it('lets exactly one of many concurrent writers of the same version win', async () => {
    const job = aJob();
    (await jobs.create(job))._unsafeUnwrap();

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => jobs.update(job, moved(job, i % 2 ? start : fail))),
    );

    expect(results.filter((r) => r.isOk())).toHaveLength(1);
    const winner = results.find((r) => r.isOk())!._unsafeUnwrap();
    expect(await jobs.get(job.jobId)).toEqual(winner);
  });

  it('makes one job when many submits race with the same idempotency key', async () => {
    const key = `race-${aJob().jobId}`;
    const racers = Array.from({ length: 8 }, () => aJob());

    const results = await Promise.all(racers.map((job) => jobs.create(job, { idempotencyKey: key })));

    const winners = racers.filter((_, i) => results[i]!.isOk());
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => x.isErr())) {
      expect(r).toEqual(err({ type: 'IdempotencyKeyTaken', idempotencyKey: key, jobId: winners[0]!.jobId }));
    }
    const stored = await Promise.all(racers.map((job) => jobs.get(job.jobId)));
    expect(stored.filter((job) => job !== undefined)).toHaveLength(1);
  });
});

describe.each(adapters)('Jobs contract, jobs recorded but never queued: %s', (_name, make) => {
  it('lists a job created submitted until its send is confirmed, oldest first, up to the limit', async () => {
    const jobs = await make();
    const [a, b, c] = [aJob({ now: at(30) }), aJob({ now: at(10) }), aJob({ now: at(20) })];
    for (const job of [a, b, c]) (await jobs.create(job))._unsafeUnwrap();

    const due = await jobs.unqueuedBefore(at(25), 10);
    const first = await jobs.unqueuedBefore(at(60), 1);

    expect(due).toEqual([b.jobId, c.jobId]);
    expect(first).toEqual([b.jobId]);
  });

  it('takes a job out once it is marked queued, or once any change moves it on', async () => {
    const jobs = await make();
    const [queued, started, waiting] = [aJob(), aJob(), aJob()];
    for (const job of [queued, started, waiting]) (await jobs.create(job, { idempotencyKey: `key-${job.jobId}` }))._unsafeUnwrap();

    await jobs.markQueued(queued.jobId);
    (await jobs.update(started, moved(started, start)))._unsafeUnwrap();

    expect((await jobs.unqueuedBefore(at(60), 10))).toEqual([waiting.jobId]);
  });

  it('lists the oldest `limit` of many jobs, whatever shard of the index each is in', async () => {
    const jobs = await make();
    const many = Array.from({ length: 40 }, (_, i) => aJob({ now: at(100 + ((i * 7) % 40)) }));
    for (const job of many) (await jobs.create(job))._unsafeUnwrap();
    const oldestFirst = [...many].sort((x, y) => x.submittedAt.localeCompare(y.submittedAt)).map((j) => j.jobId);

    const seven = (await jobs.unqueuedBefore(at(200), 7));
    const all = (await jobs.unqueuedBefore(at(200), 100));

    expect(seven).toEqual(oldestFirst.slice(0, 7));
    expect(all).toEqual(oldestFirst);
  });

  it('never lists a job created in a final status (handle-error records), nor fails to mark an unknown job', async () => {
    const jobs = await make();
    const failed = moved(aJob(), fail);
    (await jobs.create(failed))._unsafeUnwrap();

    await jobs.markQueued('no-such-job');

    expect((await jobs.unqueuedBefore(at(60), 10))).toEqual([]);
  });
});
