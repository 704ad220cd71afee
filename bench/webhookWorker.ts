/**
 * One webhook design under measurement, alone in its own process (so `process.cpuUsage()`
 * counts its handler and nothing else: DynamoDB Local, the fake Step Functions and the
 * benchmark's driver live in other processes). Driven over IPC by `sideBySide.ts`:
 *   { type: 'load', file }                          import a bundle, answer { type: 'loaded', cpuUs } (the import's CPU)
 *   { type: 'round', deliveries, concurrency }      deliver, answer the round's figures
 *     (with `profileTo`, V8's CPU profiler runs over exactly that round)
 *   { type: 'exit' }                                exit (a --cpu-prof profile is written then)
 * Events and Lambda contexts are built before the clock starts.
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode?: number }>;

export interface Delivery {
  readonly token: string;
  readonly body: string;
}

export type WorkerRequest =
  | { readonly type: 'load'; readonly file: string }
  | {
      readonly type: 'round';
      readonly deliveries: readonly Delivery[];
      readonly concurrency: number;
      /** Profile the round (V8's sampling profiler, as `node --cpu-prof`) and write the profile here. */
      readonly profileTo?: string;
    }
  | { readonly type: 'exit' };

export interface RoundFigures {
  readonly type: 'round';
  readonly wallMs: number;
  /** User + system CPU of this process over the round, microseconds. */
  readonly cpuUs: number;
  /** Answers by HTTP status code. */
  readonly statuses: Record<string, number>;
}

let handler: Handler | undefined;
let requests = 0;

function event(d: Delivery) {
  requests += 1;
  const path = `/webhook/${d.token}`;
  return {
    version: '2.0',
    routeKey: 'POST /webhook/{callback_token}',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'user-agent': 'RunPod-Webhook/1.0' },
    pathParameters: { callback_token: d.token },
    requestContext: { requestId: `bench-${requests}`, http: { method: 'POST', path } },
    body: d.body,
    isBase64Encoded: false,
  };
}

function context() {
  const deadline = Date.now() + 30_000;
  return {
    functionName: 'runpod-webhook',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:runpod-webhook',
    memoryLimitInMB: '256',
    awsRequestId: `bench-${requests}`,
    logGroupName: '/aws/lambda/runpod-webhook',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

async function round(deliveries: readonly Delivery[], concurrency: number, profileTo?: string): Promise<RoundFigures> {
  if (!handler) throw new Error('no bundle loaded');
  const call = handler;
  const invocations = deliveries.map((d) => ({ event: event(d), context: context() }));
  const statuses: Record<string, number> = {};
  let next = 0;
  const profiler = profileTo === undefined ? undefined : await startProfiler();
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, invocations.length) }, async () => {
      while (next < invocations.length) {
        const i = invocations[next++]!;
        const answer = await call(i.event, i.context);
        const code = String(answer.statusCode);
        statuses[code] = (statuses[code] ?? 0) + 1;
      }
    }),
  );
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (profiler) writeFileSync(profileTo!, JSON.stringify(await profiler.stop()));
  return { type: 'round', wallMs, cpuUs: used.user + used.system, statuses };
}

async function startProfiler(): Promise<{ stop(): Promise<unknown> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

process.on('message', (message: WorkerRequest) => {
  const answer = async () => {
    switch (message.type) {
      case 'load': {
        const cpu = process.cpuUsage();
        handler = ((await import(message.file)) as { handler: Handler }).handler;
        const used = process.cpuUsage(cpu);
        return { type: 'loaded', cpuUs: used.user + used.system };
      }
      case 'round':
        return round(message.deliveries, message.concurrency, message.profileTo);
      case 'exit':
        process.exit(0);
    }
  };
  answer().then(
    (reply) => process.send!(reply),
    (error: unknown) => process.send!({ type: 'error', error: String(error instanceof Error ? error.stack : error) }),
  );
});
