import { ECSClient, RunTaskCommand, ClusterNotFoundException, ServerException, ClientException } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { err, ok } from 'neverthrow';
import { beforeEach, describe, expect, it } from 'vitest';
import { clientToken, EcsContainerTasks } from '../../adapters/ecs/EcsContainerTasks.js';
import { backoffDelay, type RetryClock } from '../../adapters/shared/retryTransient.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import type { TaskLaunch } from '../../application/ports/ContainerTasks.js';

const ecs = mockClient(ECSClient);
const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/recorders/4f2a';
const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

function aLaunch(overrides: Partial<TaskLaunch> = {}): TaskLaunch {
  return {
    taskDefinition: 'recorder:3',
    containerName: 'recorder',
    environment: { SOURCE_URL: 'https://example.com/stream', JOB_ID: 'job-1', S3_BUCKET: 'b', S3_KEY_PREFIX: 'recordings/job-1/' },
    idempotencyKey: 'job-1#1',
    ...overrides,
  };
}

/** Records the waits instead of sleeping; jitter fixed at its maximum. */
function fakeClock(): RetryClock & { waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms), random: () => 0.999 };
}

describe('EcsContainerTasks', () => {
  let clock: ReturnType<typeof fakeClock>;
  let metrics: InMemoryMetrics;
  let tasks: EcsContainerTasks;

  beforeEach(() => {
    ecs.reset();
    clock = fakeClock();
    metrics = new InMemoryMetrics();
    tasks = new EcsContainerTasks(new ECSClient({ region: 'us-east-1' }), {
      cluster: 'recorders',
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 },
      retryClock: clock,
      metrics,
    });
  });

  it('sends exactly one RunTask: cluster, task definition, hashed client token, environment overrides', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });

    const r = await tasks.launch(aLaunch());

    expect(r).toEqual(ok({ taskArn: TASK_ARN }));
    const calls = ecs.commandCalls(RunTaskCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      cluster: 'recorders',
      taskDefinition: 'recorder:3',
      count: 1,
      clientToken: clientToken('job-1#1'),
      startedBy: 'baton-dispatch',
      overrides: {
        containerOverrides: [
          {
            name: 'recorder',
            environment: [
              { name: 'JOB_ID', value: 'job-1' },
              { name: 'S3_BUCKET', value: 'b' },
              { name: 'S3_KEY_PREFIX', value: 'recordings/job-1/' },
              { name: 'SOURCE_URL', value: 'https://example.com/stream' },
            ],
          },
        ],
      },
    });
    expect(clientToken('job-1#1')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('adds the launch type and awsvpc network configuration when configured', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }] });
    const fargate = new EcsContainerTasks(new ECSClient({ region: 'us-east-1' }), {
      cluster: 'recorders',
      launchType: 'FARGATE',
      subnets: ['subnet-a', 'subnet-b'],
      securityGroups: ['sg-1'],
    });

    (await fargate.launch(aLaunch()))._unsafeUnwrap();

    expect(ecs.commandCalls(RunTaskCommand)[0]!.args[0].input).toMatchObject({
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' },
      },
    });
  });

  it.each(['RESOURCE:MEMORY', 'RESOURCE:CPU', 'RESOURCE:PORTS', 'AGENT', 'ATTRIBUTE', 'EMPTY CAPACITY PROVIDER',
    'Capacity is unavailable at this time. Please try again later or in a different availability zone'])(
    'reports %s in the failures array as capacity, without retrying',
    async (reason) => {
      const arn = 'arn:aws:ecs:us-east-1:123456789012:container-instance/recorders/abc';
      ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ arn, reason }] });

      const r = await tasks.launch(aLaunch());

      expect(r).toEqual(err({ type: 'CapacityUnavailable', failures: [{ reason, arn, kind: 'capacity' }] }));
      expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1);
    },
  );

  it('reports MISSING as a rejection: the task definition or cluster is not there', async () => {
    ecs.on(RunTaskCommand).resolves({ failures: [{ reason: 'MISSING', detail: 'task definition recorder:3' }] });

    expect(await tasks.launch(aLaunch())).toEqual(
      err({ type: 'LaunchRejected', failures: [{ reason: 'MISSING', detail: 'task definition recorder:3', kind: 'missing' }] }),
    );
  });

  it('retries throttling and server errors with growing, jittered, capped waits, under the same token', async () => {
    ecs
      .on(RunTaskCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', ...meta(400) }))
      .rejectsOnce(new ServerException({ message: 'Service unavailable', ...meta(500) }))
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' }))
      .resolves({ tasks: [{ taskArn: TASK_ARN }] });

    const r = await tasks.launch(aLaunch());

    expect(r).toEqual(ok({ taskArn: TASK_ARN }));
    const tokens = ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input.clientToken);
    expect(tokens).toEqual(Array(4).fill(clientToken('job-1#1')));
    expect(clock.waits).toEqual([99, 199, 399]);
    expect(metrics.get('EcsRunTaskRetries')).toBe(3);
  });

  it('gives up after the last attempt: the outcome is unknown', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', ...meta(400) });
    ecs.on(RunTaskCommand).rejects(throttled);

    const r = await tasks.launch(aLaunch());

    expect(r.isErr() && r.error.type).toBe('ContainerTasksUnavailable');
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(4);
  });

  it('does not retry a refusal: ClusterNotFoundException is a rejection', async () => {
    const missing = new ClusterNotFoundException({ message: 'Cluster not found.', ...meta(400) });
    ecs.on(RunTaskCommand).rejects(missing);

    const r = await tasks.launch(aLaunch());

    expect(r).toEqual(
      err({
        type: 'LaunchRejected',
        failures: [{ reason: 'ClusterNotFoundException', detail: 'Cluster not found.', kind: 'unknown' }],
        cause: missing,
      }),
    );
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1);
  });

  it('reads Fargate capacity refusals sent as a ClientException as capacity', async () => {
    const message = 'Capacity is unavailable at this time. Please try again later or in a different availability zone';
    ecs.on(RunTaskCommand).rejects(new ClientException({ message, ...meta(400) }));

    const r = await tasks.launch(aLaunch());

    expect(r).toEqual(err({ type: 'CapacityUnavailable', failures: [{ reason: message, detail: 'ClientException', kind: 'capacity' }] }));
  });
});

describe('backoffDelay', () => {
  const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles the ceiling per retry up to the cap, and draws below it', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});
