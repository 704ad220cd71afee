import { ECSClient } from '@aws-sdk/client-ecs';
import { ok } from 'neverthrow';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContainerTasks, TaskLaunch, TaskLaunchError } from '../../application/ports/ContainerTasks.js';
import { EcsContainerTasks } from '../../adapters/ecs/EcsContainerTasks.js';
import { InMemoryContainerTasks } from '../../adapters/memory/InMemoryContainerTasks.js';
import type { RetryClock } from '../../adapters/shared/retryTransient.js';
import { LOCAL_AWS } from '../support/dynamoDbLocal.js';
import { startFakeEcs, type FakeEcs } from './fakeEcs.js';

/** What ECS says when the next launch meets a full cluster, a missing task definition, or an outage. */
type Refusal = 'capacity' | 'missing' | 'outage';

interface Harness {
  readonly tasks: ContainerTasks;
  /** The next launch that places a task is refused this way (a known key is answered first). */
  refuseNext(refusal: Refusal): void;
  /** Tasks actually started, whatever the calls. */
  started(): number;
  /** The reason a task was stopped with, if it was. */
  stoppedReason(taskArn: string): string | undefined;
  /** The container name and environment the task with this ARN was started with. */
  startedWith(taskArn: string): { containerName: string; environment: Record<string, string> } | undefined;
  close(): Promise<void>;
}

const TASK_DEFINITION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/recorder:3';
const ATTEMPTS = 3;
/** Retries at once: the contract is about outcomes, not waiting. */
const NO_WAIT: RetryClock = { sleep: async () => {}, random: () => 0 };

let keys = 0;
function aLaunch(overrides: Partial<TaskLaunch> = {}): TaskLaunch {
  keys += 1;
  return {
    taskDefinition: TASK_DEFINITION,
    containerName: 'recorder',
    environment: { JOB_ID: `job-${keys}`, SOURCE_URL: 'https://example.com/stream', S3_BUCKET: 'b', S3_KEY_PREFIX: `recordings/job-${keys}/` },
    idempotencyKey: `job-${keys}#1`,
    ...overrides,
  };
}

function inMemory(): Harness {
  const ecs = new InMemoryContainerTasks();
  // The errors the in-memory fake is scripted with are the ones the real adapter must derive
  // from ECS's answers: that the two agree is what the suite checks.
  const refusals: Record<Refusal, TaskLaunchError> = {
    capacity: { type: 'CapacityUnavailable', failures: [{ reason: 'RESOURCE:MEMORY', kind: 'capacity' }] },
    missing: { type: 'LaunchRejected', failures: [{ reason: 'MISSING', arn: TASK_DEFINITION, kind: 'missing' }] },
    outage: { type: 'ContainerTasksUnavailable' },
  };
  return {
    tasks: ecs,
    refuseNext: (refusal) => ecs.failNext(refusals[refusal]),
    started: () => ecs.tasks().length,
    stoppedReason: (taskArn) => ecs.stopped.get(taskArn),
    startedWith: (taskArn) => {
      const task = ecs.tasks().find((t) => t.taskArn === taskArn);
      return task && { containerName: task.request.containerName, environment: { ...task.request.environment } };
    },
    close: async () => {},
  };
}

async function overTheWire(): Promise<Harness> {
  const server: FakeEcs = await startFakeEcs();
  const tasks = new EcsContainerTasks(
    // maxAttempts 1: the SDK's own retries (with real waits) are off; the adapter's are measured.
    new ECSClient({ ...LOCAL_AWS, endpoint: server.endpoint, maxAttempts: 1 }),
    { cluster: 'recorders', retry: { maxAttempts: ATTEMPTS, baseDelayMs: 1, maxDelayMs: 1 }, retryClock: NO_WAIT },
  );
  return {
    tasks,
    refuseNext: (refusal) =>
      refusal === 'outage' ? server.script(...Array<'server'>(ATTEMPTS).fill('server')) : server.script(refusal),
    started: () => server.tasks.size,
    stoppedReason: (taskArn) => server.stopped.get(taskArn),
    startedWith: (taskArn) => {
      const token = [...server.tasks].find(([, arn]) => arn === taskArn)?.[0];
      const request = server.requests.find((r) => r.input.clientToken === token);
      const container = request?.input.overrides.containerOverrides[0];
      return container && { containerName: container.name, environment: Object.fromEntries(container.environment.map((e) => [e.name, e.value])) };
    },
    close: () => server.close(),
  };
}

const harnesses: [string, () => Promise<Harness>][] = [
  ['InMemoryContainerTasks', async () => inMemory()],
  ['EcsContainerTasks (SDK over the wire to a local ECS)', overTheWire],
];

describe.each(harnesses)('ContainerTasks contract: %s', (_name, make) => {
  let h: Harness;
  afterEach(() => h.close());

  it('starts one task and returns its ARN, with the container environment overridden', async () => {
    h = await make();
    const launch = aLaunch();

    const r = await h.tasks.launch(launch);

    expect(r.isOk()).toBe(true);
    const { taskArn } = r._unsafeUnwrap();
    expect(taskArn).toMatch(/^arn:aws:ecs:[a-z0-9-]+:\d{12}:task\/[^/]+\/[0-9a-f]{32}$/);
    expect(h.started()).toBe(1);
    expect(h.startedWith(taskArn)).toEqual({ containerName: 'recorder', environment: launch.environment });
  });

  it('stops a task with the reason given', async () => {
    h = await make();
    const { taskArn } = (await h.tasks.launch(aLaunch()))._unsafeUnwrap();

    await h.tasks.stop(taskArn, 'duplicate of job-1');

    expect(h.stoppedReason(taskArn)).toBe('duplicate of job-1');
  });

  it('returns the same task for the same idempotency key, starting nothing more', async () => {
    h = await make();
    const launch = aLaunch();
    const first = await h.tasks.launch(launch);

    const again = await h.tasks.launch({ ...launch });

    expect(again).toEqual(first);
    expect(h.started()).toBe(1);
  });

  it('starts a different task for a different key, however long the keys', async () => {
    h = await make();
    const long = 'job-' + 'x'.repeat(300);

    const a = (await h.tasks.launch(aLaunch({ idempotencyKey: `${long}#1` })))._unsafeUnwrap();
    const b = (await h.tasks.launch(aLaunch({ idempotencyKey: `${long}#2` })))._unsafeUnwrap();

    expect(a.taskArn).not.toBe(b.taskArn);
    expect(h.started()).toBe(2);
  });

  it('reports a full cluster as CapacityUnavailable with the placement failure; nothing starts, and the same key launches later', async () => {
    h = await make();
    const launch = aLaunch();
    h.refuseNext('capacity');

    const refused = await h.tasks.launch(launch);

    expect(refused.isErr() && refused.error).toMatchObject({
      type: 'CapacityUnavailable',
      failures: [{ reason: 'RESOURCE:MEMORY', kind: 'capacity' }],
    });
    expect(h.started()).toBe(0);
    const later = await h.tasks.launch(launch);
    expect(later.isOk()).toBe(true);
    expect(h.started()).toBe(1);
  });

  it('reports a missing task definition as LaunchRejected naming it; nothing starts', async () => {
    h = await make();
    h.refuseNext('missing');

    const refused = await h.tasks.launch(aLaunch());

    expect(refused.isErr() && refused.error).toMatchObject({
      type: 'LaunchRejected',
      failures: [{ reason: 'MISSING', arn: TASK_DEFINITION, kind: 'missing' }],
    });
    expect(h.started()).toBe(0);
  });

  it('answers a known key with its task even when a placement would now be refused', async () => {
    h = await make();
    const launch = aLaunch();
    const first = await h.tasks.launch(launch);
    h.refuseNext('capacity');

    const retried = await h.tasks.launch(launch);
    const fresh = await h.tasks.launch(aLaunch());

    expect(retried).toEqual(first);
    // The known key placed nothing, so the refusal still meets the next placement.
    expect(fresh.isErr() && fresh.error.type).toBe('CapacityUnavailable');
    expect(h.started()).toBe(1);
  });

  it('reports an ECS that stays unreachable as ContainerTasksUnavailable; the same key then starts exactly one task', async () => {
    h = await make();
    const launch = aLaunch();
    h.refuseNext('outage');

    const during = await h.tasks.launch(launch);
    const after = await h.tasks.launch(launch);
    const again = await h.tasks.launch(launch);

    expect(during.isErr() && during.error.type).toBe('ContainerTasksUnavailable');
    expect(after.isOk()).toBe(true);
    expect(again).toEqual(after);
    expect(h.started()).toBe(1);
  });
});

describe('EcsContainerTasks over the wire', () => {
  let server: FakeEcs;
  afterEach(() => server.close());

  it('rides out throttling and a server error inside the adapter, under one client token', async () => {
    server = await startFakeEcs();
    const tasks = new EcsContainerTasks(new ECSClient({ ...LOCAL_AWS, endpoint: server.endpoint, maxAttempts: 1 }), {
      cluster: 'recorders',
      retry: { maxAttempts: ATTEMPTS, baseDelayMs: 1, maxDelayMs: 1 },
      retryClock: NO_WAIT,
    });
    server.script('throttle', 'server');

    const r = await tasks.launch(aLaunch());

    expect(r).toEqual(ok({ taskArn: [...server.tasks.values()][0] }));
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((q) => q.input.clientToken)).size).toBe(1);
    expect(server.tasks.size).toBe(1);
  });
});
