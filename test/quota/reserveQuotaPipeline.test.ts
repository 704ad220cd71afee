import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { InMemoryDailyCounters } from '../../adapters/memory/InMemoryDailyCounters.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { ReserveQuota } from '../../application/quota/ReserveQuota.js';
import { reserveQuotaHandler } from '../../entrypoints/handlers/reserveQuota.js';

/** What a local task handler takes and returns (the package does not export the type). */
type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/** asl-validator ships no types: the one call this test makes. */
const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText(separator?: string): string;
};

/** The documented way to use reserve-quota, as a real state machine run by a local Step Functions interpreter. */
const definition = JSON.parse(readFileSync(new URL('./reserveQuotaPipeline.asl.json', import.meta.url), 'utf8'));

function aPipeline(dailyQuota: number) {
  const counters = new InMemoryDailyCounters();
  const handler = reserveQuotaHandler(
    new ReserveQuota(
      {
        counters,
        clock: new ManualClock('2026-02-07T06:00:00Z'),
        log: new RecordingLog(),
        metrics: new InMemoryMetrics(),
      },
      { dailyQuota },
    ),
  );
  const reserve = async (event: unknown) => (await handler(event)) as unknown as JSONValue;
  const worked: string[] = [];
  const machine = new StateMachine(definition);
  const run = (name: string, reserveOverride = reserve) =>
    machine.run(
      {},
      {
        context: { Execution: { Name: name, Input: {}, StartTime: '2026-02-07T06:00:00Z' } },
        overrides: {
          taskResourceLocalHandlers: {
            ReserveQuota: reserveOverride,
            Work: async (input: JSONValue) => {
              worked.push((input as { quota: { job_id: string } }).quota.job_id);
              return { done: true };
            },
          },
          retryIntervalOverrides: { ReserveQuota: 0 },
        },
      },
    ).result as Promise<Record<string, unknown>>;
  return { counters, reserve, worked, run };
}

describe('reserve-quota in a state machine', () => {
  it('is a valid Amazon States Language definition', () => {
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('lets exactly DAILY_QUOTA of 25 concurrent executions do the work', async () => {
    const p = aPipeline(10);

    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => p.run(`exec-${i}`)));

    expect(p.worked).toHaveLength(10);
    expect(results.filter((r) => (r['quota'] as { reserved: boolean }).reserved === false)).toHaveLength(15);
    expect(p.counters.tally('2026-02-07').count).toBe(10);
  });

  it('takes one slot when the task is retried after its answer was lost', async () => {
    const p = aPipeline(10);
    let calls = 0;
    const flaky = async (event: unknown) => {
      const answer = await p.reserve(event);
      calls += 1;
      if (calls === 1) throw Object.assign(new Error('response lost'), { name: 'Lambda.ServiceException' });
      return answer;
    };

    const result = await p.run('exec-retried', flaky);

    expect(calls).toBe(2);
    expect(result['quota']).toEqual({ reserved: true, daily_count: 1, daily_quota: 10, date: '2026-02-07', job_id: 'exec-retried' });
    expect(p.counters.tally('2026-02-07').count).toBe(1);
  });
});
