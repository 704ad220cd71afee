import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from './listenOnLoopback.js';

export interface HungServer {
  readonly endpoint: string;
  /** Requests received so far (each one left unanswered). */
  requests(): number;
  close(): Promise<void>;
}

/**
 * A dependency that accepts every connection, reads the request and never answers: the
 * hung DynamoDB, SQS, ECS, EC2 or RunPod that only a deadline can get a handler out of.
 */
export async function startHungServer(): Promise<HungServer> {
  let received = 0;
  const server: Server = createServer((req) => {
    received += 1;
    req.resume();
  });
  const local = await listenOnLoopback(server);
  return {
    endpoint: local.endpoint,
    requests: () => received,
    close: local.close,
  };
}

/** A Lambda context whose invocation has `remainingMs` left, as the bundles see it. */
export function contextWithRemaining(remainingMs: number) {
  const start = Date.now();
  return {
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
    memoryLimitInMB: '256',
    awsRequestId: 'req-deadline',
    logGroupName: '/aws/lambda/test',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => Math.max(0, remainingMs - (Date.now() - start)),
  };
}
