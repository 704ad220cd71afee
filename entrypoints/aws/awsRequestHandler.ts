import { NodeHttpHandler } from '@smithy/node-http-handler';
import { callSignal } from '../../adapters/shared/deadline.js';

/** Per-attempt limits of one AWS client. The SDK retries an attempt that timed out (3 attempts in all). */
export interface AwsTimeouts {
  /** TCP + TLS to a regional endpoint takes milliseconds; longer means the network is gone. */
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs: number;
}

export const DEFAULT_CONNECTION_TIMEOUT_MS = 2_000;

type Handler = NodeHttpHandler;
type HttpHandlerOptions = NonNullable<Parameters<NodeHttpHandler['handle']>[1]>;

/**
 * The request handler every AWS client in `entrypoints/aws/` is built with: the SDK's own
 * `NodeHttpHandler` with a connection and a request timeout that *throw*
 * (`throwOnRequestTimeout`: without it, this SDK version only logs a warning), and the
 * invocation's deadline (`adapters/shared/deadline.ts`) as an abort signal on every request.
 * Only the transport changes: the client still reads region, credentials and
 * `AWS_ENDPOINT_URL_<SERVICE>` through the SDK's default configuration chain.
 *
 * @example
 * new SQSClient({ requestHandler: awsRequestHandler({ requestTimeoutMs: 5_000 }) });
 */
export function awsRequestHandler(timeouts: AwsTimeouts): Handler {
  const inner = new NodeHttpHandler({
    connectionTimeout: timeouts.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    requestTimeout: timeouts.requestTimeoutMs,
    throwOnRequestTimeout: true,
  });
  const handle = inner.handle.bind(inner);
  // One instance, its `handle` wrapped: the SDK keeps calling the class's other methods
  // (config updates, destroy) on the object it was given.
  inner.handle = async (request, options: HttpHandlerOptions = {}) => {
    const call = callSignal();
    if (call.signal === undefined) return handle(request, options);
    const given = options.abortSignal;
    const abortSignal = given instanceof AbortSignal ? AbortSignal.any([given, call.signal]) : call.signal;
    try {
      return await handle(request, { ...options, abortSignal });
    } finally {
      call.done();
    }
  };
  return inner;
}

/** What `awsClient` needs of an SDK v3 client class: its constructor and its middleware stack. */
type AwsClientClass<C> = new (config: { requestHandler: Handler }) => C & { middlewareStack: { remove(name: string): boolean } };

/**
 * One of Baton's own AWS clients (`dynamoDbClient()`, `sfnClient()`, …): the SDK's default
 * configuration chain, the transport of {@link awsRequestHandler}, and no SDK logger middleware.
 * Baton never gives the SDK a logger, yet that middleware ran the command's sensitive-field
 * filter over every input and output (and every error's input) for the SDK's no-op logger: about
 * 20 µs of CPU per call (BENCHMARKS.md). Without it, nothing can be wired to print a call's
 * input either, and a Step Functions call's input is a task token.
 *
 * @example
 * const client = awsClient(SQSClient, 5_000);
 */
export function awsClient<C>(Client: AwsClientClass<C>, requestTimeoutMs: number): C {
  const client = new Client({ requestHandler: awsRequestHandler({ requestTimeoutMs }) });
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}
