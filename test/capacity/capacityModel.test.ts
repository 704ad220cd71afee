import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REDRIVE_SETTINGS } from '../../application/callbacks/RedriveCallbacks.js';
import {
  ASSUMPTIONS,
  bindsFirst,
  dayItemJobsBeforePartitionLimit,
  dayItemWriteUnits,
  LIMITS,
  type Limit,
  renderCapacityModel,
  rowsOf,
  SCENARIOS,
  shardsFor,
  SUBMIT_PATH,
  WEBHOOK_PATH,
  withCapacityModel,
} from '../../scripts/capacityModel.js';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');
const scenario = (id: string) => SCENARIOS.find((s) => s.id === id)!;

function filesUnder(dir: string): string[] {
  return readdirSync(resolve(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(resolve(ROOT, path)).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('capacity model (ARCHITECTURE.md "Capacity model" is scripts/capacityModel.ts rendered)', () => {
  it('ARCHITECTURE.md carries exactly the tables the model renders (npm run capacity -- --write)', () => {
    const page = read('ARCHITECTURE.md');

    expect(withCapacityModel(page)).toBe(page);
    expect(page).toContain(renderCapacityModel());
  });

  it('counts a webhook as BENCHMARKS.md does: 2 DynamoDB writes + 1 Step Functions call on a first delivery', () => {
    const { dynamoDbWrites, stepFunctionsCalls } = WEBHOOK_PATH;

    expect(read('BENCHMARKS.md')).toContain(
      `| first delivery | ${dynamoDbWrites} + ${stepFunctionsCalls} = ${dynamoDbWrites + stepFunctionsCalls} |`,
    );
    const writes = scenario('callbacks').demands.find((d) => d.limit === 'ddbTableWrites')!;
    expect(writes.perUnit).toBe((SUBMIT_PATH.dynamoDbWrites + dynamoDbWrites) * ASSUMPTIONS.callbackWriteUnits);
  });

  it('at 10,000 callbacks/s: the webhook stage throttle binds first, then SendTaskSuccess (20×), then RunPod /run per endpoint', () => {
    const callbacks = scenario('callbacks');

    expect(bindsFirst(callbacks, ['Baton'])?.limitId).toBe('batonWebhookThrottle');
    expect(bindsFirst(callbacks, ['AWS'])?.limitId).toBe('sfnSendTaskSuccess');
    expect(bindsFirst(callbacks, ['AWS'])?.utilisation).toBe(20);
    expect(bindsFirst(callbacks, ['RunPod'])?.limitId).toBe('runPodRun');
  });

  it('sizes CALLBACK_INDEX_SHARDS as ⌈2 writes × rate ÷ 1,000 × 1.5⌉: the default 32 covers 10,000 callbacks/s', () => {
    expect(shardsFor(10_000)).toBe(30);
    expect(shardsFor(16_000)).toBe(48);
    expect(shardsFor(1)).toBe(1);
    expect(shardsFor(10_000)).toBeLessThanOrEqual(ASSUMPTIONS.callbackIndexShards);
    const shardRow = rowsOf(scenario('callbacks')).find((r) => r.limitId === 'ddbCallbackIndexShards')!;
    expect(shardRow.total / ASSUMPTIONS.callbackIndexShards).toBeLessThan(1_000 / ASSUMPTIONS.shardHeadroom);
  });

  it('the day item reaches its partition limit at the first job count whose write costs more than 1,000 WCU/s', () => {
    const jobs = dayItemJobsBeforePartitionLimit(100);

    expect(100 * dayItemWriteUnits(jobs)).toBeLessThanOrEqual(1_000);
    expect(100 * dayItemWriteUnits(jobs + 1)).toBeGreaterThan(1_000);
  });

  it('every AWS or RunPod figure names its documentation page; every Baton default names the file that sets it', () => {
    for (const limit of Object.values(LIMITS) as Limit[]) {
      if (limit.owner === 'Baton') expect(existsSync(resolve(ROOT, limit.source)), limit.source).toBe(true);
      else expect(limit.source, limit.name).toMatch(/^https:\/\/docs\.(aws\.amazon\.com|runpod\.io)\//);
    }
  });

  it("Baton's defaults in the model are the ones the code sets (change both together)", () => {
    expect(read('deploy/lib/RunPodCallbacks.ts')).toContain(
      `props.webhookThrottle ?? { rateLimit: ${LIMITS.batonWebhookThrottle.value}, burstLimit: 100 }`,
    );
    expect(read('deploy/lib/JobApi.ts')).toContain(`props.throttle ?? { rateLimit: ${LIMITS.batonJobApiThrottle.value}, burstLimit: 40 }`);
    expect(read('deploy/lib/EcsDispatch.ts')).toContain(`props.throttle ?? { rateLimit: ${LIMITS.batonDispatchThrottle.value}, burstLimit: 20 }`);
    const reconcile = filesUnder('entrypoints')
      .filter((f) => f.endsWith('.ts'))
      .map(read)
      .join('\n')
      .match(/pageSize:\s*(\d+),\s*maxPages:\s*(\d+)/);
    expect(reconcile && Number(reconcile[1]) * Number(reconcile[2])).toBe(LIMITS.batonReconcileReach.value);
    expect((DEFAULT_REDRIVE_SETTINGS.pageSize * DEFAULT_REDRIVE_SETTINGS.maxPages) / 60).toBe(LIMITS.batonRedriveDrain.value);
  });
});
