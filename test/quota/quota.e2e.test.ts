import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countersTable } from '../../adapters/dynamodb/tables/countersTable.js';
import { utcDay } from '../../domain/shared/time.js';
import { lambdaContext, loadBundle } from '../support/loadBundle.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { useLocalAws } from '../support/localAwsEnv.js';

/** check-quota, increment-counter and reserve-quota as deployed: the built bundles on DynamoDB Local. */
const saved = { ...process.env };
const client = localDynamoDbClient();

beforeAll(() => {
  useLocalAws({}, { LOG_LEVEL: 'ERROR' });
});

afterAll(() => {
  // Put the environment back in place (process.env must stay Node's own object).
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

/** A cold start of `name` with this environment (on top of the AWS settings above). */
async function coldStart(name: string, env: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const handler = await loadBundle(name);
  return (event: unknown) => handler(event, lambdaContext);
}

const today = () => utcDay(new Date());

describe('quota handlers (bundles on DynamoDB Local)', () => {
  it('check-quota answers seed 003\'s shape, with DAILY_QUOTA defaulting to 10', async () => {
    const table = await createLocalTable(client, countersTable);
    const check = await coldStart('check-quota', { DYNAMODB_COUNTER_TABLE: table, DAILY_QUOTA: undefined });

    expect(await check({})).toEqual({ quota_reached: false, daily_count: 0, daily_quota: 10 });
  });

  it('increment-counter counts a job once, even when Step Functions retries the task', async () => {
    const table = await createLocalTable(client, countersTable);
    const increment = await coldStart('increment-counter', { DYNAMODB_COUNTER_TABLE: table });

    const first = await increment({ job_id: 'job-abc123' });
    const other = await increment({ job_id: 'job-def456' });
    const retry = await increment({ job_id: 'job-abc123' });

    expect(first).toEqual({ daily_count: 1, date: today(), job_id: 'job-abc123' });
    expect(other).toEqual({ daily_count: 2, date: today(), job_id: 'job-def456' });
    expect(retry).toEqual({ daily_count: 2, date: today(), job_id: 'job-abc123' });
  });

  it('reserve-quota hands out DAILY_QUOTA slots, answers a retry the same, and check-quota sees the day full', async () => {
    const table = await createLocalTable(client, countersTable);
    const env = { DYNAMODB_COUNTER_TABLE: table, DAILY_QUOTA: '2' };
    const reserve = await coldStart('reserve-quota', env);
    const check = await coldStart('check-quota', env);

    const a = await reserve({ job_id: 'job-a' });
    const b = await reserve({ job_id: 'job-b' });
    const c = await reserve({ job_id: 'job-c' });
    const retryA = await reserve({ job_id: 'job-a' });

    const slot = (reserved: boolean, count: number, job: string) => ({
      reserved,
      daily_count: count,
      daily_quota: 2,
      date: today(),
      job_id: job,
    });
    expect([a, b, c, retryA]).toEqual([slot(true, 1, 'job-a'), slot(true, 2, 'job-b'), slot(false, 2, 'job-c'), slot(true, 2, 'job-a')]);
    expect(await check({})).toEqual({ quota_reached: true, daily_count: 2, daily_quota: 2 });
  });

  it('release-quota gives a slot back to the day it was reserved on', async () => {
    const table = await createLocalTable(client, countersTable);
    const env = { DYNAMODB_COUNTER_TABLE: table, DAILY_QUOTA: '1' };
    const reserve = await coldStart('reserve-quota', env);
    const release = await coldStart('release-quota', { DYNAMODB_COUNTER_TABLE: table, DAILY_QUOTA: undefined });
    const slot = (await reserve({ job_id: 'exec-1' })) as { date: string };

    const released = await release({ job_id: 'exec-1', date: slot.date });
    const next = await reserve({ job_id: 'exec-2' });

    expect(released).toEqual({ released: true, daily_count: 0, date: today(), job_id: 'exec-1' });
    expect(next).toMatchObject({ reserved: true, daily_count: 1, job_id: 'exec-2' });
  });

  it('fails a task with bad input as InvalidInput, naming the field', async () => {
    const table = await createLocalTable(client, countersTable);
    const increment = await coldStart('increment-counter', { DYNAMODB_COUNTER_TABLE: table });
    const reserve = await coldStart('reserve-quota', { DYNAMODB_COUNTER_TABLE: table, DAILY_QUOTA: '3' });

    await expect(increment({})).rejects.toMatchObject({ name: 'InvalidInput', message: 'job_id: is required' });
    await expect(reserve({ job_id: '' })).rejects.toMatchObject({ name: 'InvalidInput', message: 'job_id: must not be empty' });
  });

  it('refuses to start with a bad environment, naming every variable', async () => {
    await expect(coldStart('check-quota', { DYNAMODB_COUNTER_TABLE: undefined, DAILY_QUOTA: 'ten' })).rejects.toThrow(
      /check-quota: invalid configuration: DYNAMODB_COUNTER_TABLE is required; DAILY_QUOTA must be a positive integer/,
    );
    await expect(coldStart('reserve-quota', { DYNAMODB_COUNTER_TABLE: 'counters', DAILY_QUOTA: '0' })).rejects.toThrow(
      /DAILY_QUOTA must be at least 1/,
    );
  });
});
