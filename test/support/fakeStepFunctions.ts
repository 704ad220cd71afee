import { createServer, type Server } from 'node:http';
import { InMemoryStepFunctions } from '../../adapters/memory/InMemoryStepFunctions.js';
import type { Clock } from '../../application/ports/Clock.js';
import { SystemClock } from '../../adapters/system/SystemClock.js';
import { listenOnLoopback } from './listenOnLoopback.js';
import { asyncListener } from './asyncListener.js';

export interface FakeStepFunctions {
  /** Set `AWS_ENDPOINT_URL_SFN` to this. */
  readonly endpoint: string;
  /** The engine behind it: start tasks, read outcomes, count calls. */
  readonly engine: InMemoryStepFunctions;
  /** Every SendTask* request that reached the server, by operation. */
  readonly requests: { operation: string; input: Record<string, string> }[];
  /** DescribeExecution answers: status by execution ARN; any other ARN is ExecutionDoesNotExist. */
  readonly executions: Map<string, string>;
  /** While down, every call answers 503 ServiceUnavailable (the SDK retries, then gives up). */
  setDown(down: boolean): void;
  /**
   * The next `count` SendTask* calls take effect, but their answer never reaches the caller:
   * `'reset'` drops the connection once the call is applied, `'late'` holds the answer until the
   * caller gives up (its request timeout), as a slow Step Functions does.
   */
  loseAnswers(count: number, how: 'reset' | 'late'): void;
  /** The next `count` SendTask* calls are refused with 400 ThrottlingException, without effect. */
  throttleNext(count: number): void;
  close(): Promise<void>;
}

/**
 * Step Functions' SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat over the real wire
 * protocol (awsJson1_0), backed by an in-memory engine. Lets tests run the built bundles,
 * with their own bundled SDK, against something that refuses a second resume as AWS does.
 * Tasks time out by the clock given (pass a ManualClock to time one out without waiting), or an
 * engine given whole (shared with a local state machine).
 */
export async function startFakeStepFunctions(
  source: Clock | InMemoryStepFunctions = new SystemClock(),
): Promise<FakeStepFunctions> {
  const engine = source instanceof InMemoryStepFunctions ? source : new InMemoryStepFunctions(source);
  const requests: FakeStepFunctions['requests'] = [];
  let down = false;
  let lost: { count: number; how: 'reset' | 'late' } = { count: 0, how: 'reset' };
  let throttled = 0;
  const executions = new Map<string, string>();
  const server: Server = createServer(asyncListener(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').at(-1) ?? '';
    const input = JSON.parse(text || '{}') as Record<string, string>;
    requests.push({ operation, input });
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    if (down) return reply(503, { __type: 'ServiceUnavailable', message: 'Service Unavailable' });
    if (operation === 'DescribeExecution') {
      const status = executions.get(input['executionArn'] ?? '');
      if (status === undefined) return reply(400, { __type: 'ExecutionDoesNotExist', message: 'Execution Does Not Exist' });
      return reply(200, { executionArn: input['executionArn'], status, startDate: 1_700_000_000, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m' });
    }
    if (throttled > 0) {
      throttled -= 1;
      return reply(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
    }
    const token = input['taskToken'] ?? '';
    const loseThis = lost.count > 0;
    if (loseThis) lost = { ...lost, count: lost.count - 1 };
    const result =
      operation === 'SendTaskSuccess'
        ? await engine.succeed(token, input['output'] ?? '')
        : operation === 'SendTaskFailure'
          ? await engine.fail(token, input['error'] ?? '', input['cause'] ?? '')
          : operation === 'SendTaskHeartbeat'
            ? await engine.heartbeat(token)
            : undefined;
    if (result === undefined) return reply(400, { __type: 'UnknownOperationException', message: operation });
    if (loseThis) {
      // Applied above; the answer is lost. A held answer is dropped when the caller hangs up.
      if (lost.how === 'reset') req.socket.destroy();
      else res.on('close', () => req.socket.destroy());
      return;
    }
    if (result.isOk()) return reply(200, {});
    const e = result.error;
    if (e.type === 'TaskTokensUnavailable') return reply(503, { __type: 'ServiceUnavailable', message: 'unavailable' });
    if (e.type === 'TaskTokensRefused') {
      const [type, ...message] = e.refusal.split(': ');
      return reply(400, { __type: type, message: message.join(': ') });
    }
    const message = e.reason === 'TaskTimedOut' ? 'Task Timed Out: Provided task does not exist anymore' : e.reason;
    return reply(400, { __type: `com.amazonaws.swf.service.model.v20120125#${e.reason}`, message });
  }));
  const local = await listenOnLoopback(server);
  return {
    endpoint: local.endpoint,
    engine,
    requests,
    executions,
    setDown: (d) => {
      down = d;
    },
    loseAnswers: (count, how) => {
      lost = { count, how };
    },
    throttleNext: (count) => {
      throttled = count;
    },
    close: local.close,
  };
}
