import { errAsync, ok, okAsync, ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { InMemoryDailyCounters } from '../../adapters/memory/InMemoryDailyCounters.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { reconcilePartition, redrivePartition } from '../../adapters/dynamodb/callbackItem.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { newCallbackMapping, resumed } from '../../domain/callbacks/CallbackMapping.js';
import { newJob, transition } from '../../domain/jobs/Job.js';
import { DynamoDbWrites, DISPATCH_ITEMS, IDEMPOTENCY_ITEMS } from '../../simulation/writes/DynamoDbWrites.js';
import { observePort, type Outcome } from '../../simulation/writes/observePort.js';
import { PartitionWrites, partitionInvariantName, partitionWriteInvariant } from '../../simulation/writes/PartitionWrites.js';
import { TableWrites } from '../../simulation/writes/TableWrites.js';

/** A clock the tests move by hand (ms since the start). */
function clock() {
  let ms = 0;
  return { now: () => ms, set: (to: number) => (ms = to) };
}

const rowOf = (writes: DynamoDbWrites | PartitionWrites, name: string) => {
  const summary = writes instanceof DynamoDbWrites ? writes.summary() : writes.summary();
  return summary.rows.find((r) => r.name === name)!;
};

describe('PartitionWrites', () => {
  it('keeps each key’s writes per simulated second and reports the hottest key’s peak, not the sum over seconds', () => {
    const time = clock();
    const writes = new PartitionWrites(time.now);
    for (let i = 0; i < 3; i += 1) writes.record('t', 'a');
    writes.record('t', 'b');
    time.set(1_500);
    for (let i = 0; i < 2; i += 1) writes.record('t', 'a');
    for (let i = 0; i < 4; i += 1) writes.record('t', 'b');
    time.set(5_000);
    writes.record('t', 'a');

    const row = writes.summary().rows[0]!;

    expect(row).toMatchObject({ name: 't', writes: 11, hottest: { key: 'b', writes: 4, second: 1 }, busiestSecond: { writes: 6, second: 1 } });
    expect(row.overLimit).toEqual([]);
  });

  it('names every key over the limit, hottest first, with its second; the invariant fails naming the hottest', () => {
    const time = clock();
    const writes = new PartitionWrites(time.now, 3);
    writes.declare(['idle', 'hot']);
    for (let i = 0; i < 4; i += 1) writes.record('hot', 'ACCEPTED');
    time.set(2_000);
    for (let i = 0; i < 6; i += 1) writes.record('hot', 'PENDING');
    for (let i = 0; i < 3; i += 1) writes.record('hot', 'ACCEPTED');

    const summary = writes.summary();
    const verdict = partitionWriteInvariant(summary);

    expect(summary.rows.map((r) => r.name)).toEqual(['idle', 'hot']);
    expect(summary.rows[0]).toMatchObject({ writes: 0, overLimit: [] });
    expect(summary.rows[1]!.overLimit).toEqual([
      { key: 'PENDING', writes: 6, second: 2 },
      { key: 'ACCEPTED', writes: 4, second: 0 },
    ]);
    expect(verdict.holds).toBe(false);
    expect(verdict.name).toBe(partitionInvariantName(3));
    expect(verdict.detail).toBe('2 violation(s): hot key PENDING: 6 writes in simulated second 2; hot key ACCEPTED: 4 writes in simulated second 0');
  });

  it('holds at the limit itself, naming the hottest key', () => {
    const writes = new PartitionWrites(() => 0, 2);
    writes.record('t', 'k', 2);

    expect(partitionWriteInvariant(writes.summary())).toEqual({
      name: partitionInvariantName(2),
      holds: true,
      detail: 'hottest: t key k, 2 writes/s at simulated second 0',
    });
  });
});

describe('TableWrites, read off the callbacks table definition', () => {
  const setup = () => {
    const writes = new PartitionWrites(() => 0);
    return { writes, table: new TableWrites(writes, 'callbacks', callbacksTable()) };
  };
  const counts = (writes: PartitionWrites) =>
    Object.fromEntries(writes.summary().rows.filter((r) => r.writes > 0).map((r) => [r.name, r.writes]));

  it('lists the table and each of its indexes', () => {
    expect(setup().table.rows).toEqual(['callbacks', 'callbacks · redrive', 'callbacks · reconcile', 'callbacks · execution']);
  });

  it('counts a put on the table and on each sparse index the item enters, and nothing on an index it is not in', () => {
    const { writes, table } = setup();
    table.write('tok', undefined, { callback_token: 'tok', created_at: 't0', reconcile_pk: 'PENDING#3', execution_arn: 'arn:x' });

    expect(counts(writes)).toEqual({ callbacks: 1, 'callbacks · reconcile': 1, 'callbacks · execution': 1 });
  });

  it('counts an item leaving one index and entering another, and none for an index whose keys stay (KEYS_ONLY)', () => {
    const { writes, table } = setup();
    const before = { callback_token: 'tok', created_at: 't0', reconcile_pk: 'PENDING#3', execution_arn: 'arn:x', status: 'PENDING' };
    table.write('tok', before, { ...before, reconcile_pk: undefined, redrive_pk: 'ACCEPTED#9', accepted_at: 't1', status: 'ACCEPTED' });

    expect(counts(writes)).toEqual({ callbacks: 1, 'callbacks · reconcile': 1, 'callbacks · redrive': 1 });
    expect(rowOf(writes, 'callbacks · reconcile').hottest?.key).toBe('PENDING#3');
    expect(rowOf(writes, 'callbacks · redrive').hottest?.key).toBe('ACCEPTED#9');
  });

  it('counts a changed index key as two writes, the old entry deleted and the new one put', () => {
    const { writes, table } = setup();
    const item = { callback_token: 'tok', accepted_at: 't1', redrive_pk: 'ACCEPTED#1' };
    table.write('tok', item, { ...item, redrive_pk: 'ACCEPTED#2' });

    expect(counts(writes)).toEqual({ callbacks: 1, 'callbacks · redrive': 2 });
  });

  it('counts a write whose condition failed on the table only', () => {
    const { writes, table } = setup();
    table.touch('tok');

    expect(counts(writes)).toEqual({ callbacks: 1 });
  });
});

describe('observePort', () => {
  const port = {
    resultAsync: (n: number) => (n > 0 ? okAsync(n) : errAsync({ type: 'Negative' })),
    promise: async (n: number) => n * 2,
    promisedResult: async (n: number) => ok(n),
    plain: (n: number) => n + 1,
    untouched: (n: number) => n - 1,
    calls: 0,
  };

  it('hands each result back in kind and reports how it settled', async () => {
    const seen: [string, readonly unknown[], Outcome][] = [];
    const observed = observePort(port, {
      resultAsync: (args, o) => seen.push(['resultAsync', args, o]),
      promise: (args, o) => seen.push(['promise', args, o]),
      promisedResult: (args, o) => seen.push(['promisedResult', args, o]),
      plain: (args, o) => seen.push(['plain', args, o]),
    });

    const chained = observed.resultAsync(2).map((n) => n + 1);
    expect(chained).toBeInstanceOf(ResultAsync);
    expect((await chained)._unsafeUnwrap()).toBe(3);
    expect((await observed.resultAsync(-1)).isErr()).toBe(true);
    expect(await observed.promise(4)).toBe(8);
    expect((await observed.promisedResult(5)).isOk()).toBe(true);
    expect(observed.plain(1)).toBe(2);
    expect(observed.untouched(1)).toBe(0);
    expect(observed.calls).toBe(0);

    expect(seen).toEqual([
      ['resultAsync', [2], { ok: true, value: 2 }],
      ['resultAsync', [-1], { ok: false, error: { type: 'Negative' } }],
      ['promise', [4], { ok: true, value: 8 }],
      ['promisedResult', [5], { ok: true, value: 5 }],
      ['plain', [1], { ok: true, value: 2 }],
    ]);
  });
});

describe('DynamoDbWrites: the stores’ writes as the DynamoDB adapters make them', () => {
  const now = new Date('2026-01-06T00:00:00Z');
  const outcome = { kind: 'success', output: '{}' } as const;
  const counts = (writes: DynamoDbWrites) => Object.fromEntries(writes.summary().rows.map((r) => [r.name, r.writes]));

  it('a RunPod callback’s life: create, claim, a lost duplicate claim, a lease, the final write', async () => {
    const writes = new DynamoDbWrites(() => 0, 4);
    const mappings = writes.callbackMappings(new InMemoryCallbackMappings());
    const mapping = newCallbackMapping({ callbackToken: 'tok-1', taskToken: 'task', channel: 'runpod', executionArn: 'arn:exec', now });

    (await mappings.create(mapping))._unsafeUnwrap();
    (await mappings.recordJobId('tok-1', 'job-1'))._unsafeUnwrap();
    const accepted = (await mappings.accept('tok-1', outcome, now, 'runpod'))._unsafeUnwrap();
    expect((await mappings.accept('tok-1', outcome, now, 'runpod')).isErr()).toBe(true);
    (await mappings.lease('tok-1', now, now))._unsafeUnwrap();
    (await mappings.finish(resumed(accepted, now)._unsafeUnwrap()))._unsafeUnwrap();

    expect(counts(writes)).toEqual({
      callbacks: 6,
      // created in its reconcile shard, left on the claim; in the redrive index from the claim to the final write
      'callbacks · reconcile': 2,
      'callbacks · redrive': 2,
      'callbacks · execution': 1,
      jobs: 0,
      'jobs · unqueued': 0,
      [DISPATCH_ITEMS]: 0,
      [IDEMPOTENCY_ITEMS]: 0,
      counters: 0,
    });
    expect(mappings.all()).toHaveLength(1);
    // The keys are the adapter's own: its shard functions, not a copy of the scheme.
    expect(rowOf(writes, 'callbacks · redrive').hottest?.key).toBe(redrivePartition('tok-1', 4));
    expect(rowOf(writes, 'callbacks · reconcile').hottest?.key).toBe(reconcilePartition('tok-1', 4));
  });

  it('a discarded PENDING mapping leaves its indexes; a worker mapping never enters reconcile', async () => {
    const writes = new DynamoDbWrites(() => 0);
    const mappings = writes.callbackMappings(new InMemoryCallbackMappings());

    (await mappings.create(newCallbackMapping({ callbackToken: 'runpod', taskToken: 't', channel: 'runpod', now })))._unsafeUnwrap();
    await mappings.discardPending('runpod');
    await mappings.discardPending('runpod');
    (await mappings.create(newCallbackMapping({ callbackToken: 'worker', taskToken: 't', channel: 'worker', now })))._unsafeUnwrap();

    expect(counts(writes)).toMatchObject({ callbacks: 4, 'callbacks · reconcile': 2, 'callbacks · redrive': 0 });
  });

  it('jobs: the unqueued index from the record to the send, the idempotency key’s item in the same transaction', async () => {
    const writes = new DynamoDbWrites(() => 0);
    const jobs = writes.jobs(new InMemoryJobs());
    const job = newJob({ jobId: 'j1', spec: {}, now });

    (await jobs.create(job, { idempotencyKey: 'k' }))._unsafeUnwrap();
    expect((await jobs.create(newJob({ jobId: 'j2', spec: {}, now }), { idempotencyKey: 'k' })).isErr()).toBe(true);
    await jobs.markQueued('j1');
    (await jobs.update(job, transition(job, { status: 'processing' }, now)._unsafeUnwrap()))._unsafeUnwrap();

    expect(counts(writes)).toMatchObject({ jobs: 4, 'jobs · unqueued': 2, [IDEMPOTENCY_ITEMS]: 2 });
  });

  it('counters: every count, reservation and release is one write on the day’s item', async () => {
    const writes = new DynamoDbWrites(() => 0);
    const counters = writes.dailyCounters(new InMemoryDailyCounters());

    (await counters.reserve('2026-01-06', 'a', 1, now))._unsafeUnwrap();
    expect((await counters.reserve('2026-01-06', 'b', 1, now)).isErr()).toBe(true); // the day is full: refused, still a write
    await counters.count('2026-01-06');
    await counters.release('2026-01-06', 'a', now);

    expect(rowOf(writes, 'counters')).toMatchObject({ writes: 3, hottest: { key: '2026-01-06', writes: 3 } });
  });
});
