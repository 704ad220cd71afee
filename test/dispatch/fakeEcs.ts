import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '../support/listenOnLoopback.js';
import { asyncListener } from '../support/asyncListener.js';

/** How the fake answers the next RunTask calls, in order; then it starts tasks. */
export type EcsScript = 'capacity' | 'missing' | 'throttle' | 'server';

export interface RunTaskRequest {
  readonly target: string;
  readonly contentType: string;
  readonly input: {
    cluster: string;
    taskDefinition: string;
    count: number;
    clientToken: string;
    startedBy: string;
    overrides: { containerOverrides: { name: string; environment: { name: string; value: string }[] }[] };
    [key: string]: unknown;
  };
}

export interface FakeEcs {
  /** Set `AWS_ENDPOINT_URL_ECS` to this. */
  readonly endpoint: string;
  /** Every RunTask request that reached the server, answered or not. */
  readonly requests: RunTaskRequest[];
  /** Tasks started, by client token. */
  readonly tasks: Map<string, string>;
  /** Tasks stopped with StopTask: ARN → reason. */
  readonly stopped: Map<string, string>;
  script(...next: EcsScript[]): void;
  /** Leaves the next RunTask unanswered until `release()`: a launch caught in flight. */
  holdNextRunTask(): { readonly arrived: Promise<void>; release(): void };
  close(): Promise<void>;
}

/**
 * ECS RunTask over the real wire protocol (awsJson1_1, `X-Amz-Target:
 * AmazonEC2ContainerServiceV20141113.RunTask`), so the bundle's own SDK talks to it. Starts one
 * task per client token (a repeated token returns the first task, as ECS does for 24 hours) and
 * answers scripted capacity failures, refusals and throttling.
 */
export async function startFakeEcs(): Promise<FakeEcs> {
  const requests: RunTaskRequest[] = [];
  const tasks = new Map<string, string>();
  const scripted: EcsScript[] = [];
  let hold: { arrive: () => void; released: Promise<void> } | undefined;
  const stopped = new Map<string, string>();
  const server: Server = createServer(asyncListener(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const target = String(req.headers['x-amz-target'] ?? '');
    const input = JSON.parse(text || '{}') as RunTaskRequest['input'];
    requests.push({ target, contentType: String(req.headers['content-type']), input });
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
    if (target === 'AmazonEC2ContainerServiceV20141113.StopTask') {
      const { task, reason } = input as unknown as { task: string; reason?: string };
      stopped.set(task, reason ?? '');
      return reply(200, { task: { taskArn: task, desiredStatus: 'STOPPED', stoppedReason: reason } });
    }
    if (target !== 'AmazonEC2ContainerServiceV20141113.RunTask') {
      return reply(400, { __type: 'UnknownOperationException', message: target });
    }
    if (hold) {
      const held = hold;
      hold = undefined;
      held.arrive();
      await held.released;
    }
    const instance = `arn:aws:ecs:us-east-1:123456789012:container-instance/${input.cluster}/0f1e2d3c`;
    const known = tasks.get(input.clientToken);
    // A known client token gets its task back before anything is placed (ECS keeps tokens 24 h).
    switch (known ? undefined : scripted.shift()) {
      case 'capacity':
        return reply(200, { tasks: [], failures: [{ arn: instance, reason: 'RESOURCE:MEMORY' }] });
      case 'missing':
        return reply(200, { tasks: [], failures: [{ arn: input.taskDefinition, reason: 'MISSING' }] });
      case 'throttle':
        return reply(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      case 'server':
        return reply(500, { __type: 'ServerException', message: 'Service unavailable' });
      case undefined:
        break;
    }
    let taskArn = known;
    if (!taskArn) {
      taskArn = `arn:aws:ecs:us-east-1:123456789012:task/${input.cluster}/${(tasks.size + 1).toString(16).padStart(32, '0')}`;
      tasks.set(input.clientToken, taskArn);
    }
    return reply(200, {
      tasks: [{ taskArn, clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${input.cluster}`, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' }],
      failures: [],
    });
  }));
  const local = await listenOnLoopback(server);
  return {
    endpoint: local.endpoint,
    requests,
    tasks,
    stopped,
    script: (...next) => void scripted.push(...next),
    holdNextRunTask: () => {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      hold = { arrive, released: new Promise<void>((resolve) => (release = resolve)) };
      return { arrived, release };
    },
    close: local.close,
  };
}
