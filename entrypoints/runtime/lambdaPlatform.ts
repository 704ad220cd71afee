import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics as PowertoolsMetricsClient } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import { PowertoolsLog } from '../../adapters/logging/PowertoolsLog.js';
import { PowertoolsMetrics } from '../../adapters/logging/PowertoolsMetrics.js';
import { deadlineFor, oneInvocationAtATime, withDeadline } from '../../adapters/shared/deadline.js';

export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

/** Logging and metrics of one Lambda function, created once per container. */
export interface LambdaPlatform {
  readonly log: Log;
  readonly metrics: Metrics;
  /**
   * Wraps a handler in Powertools' own handler wrapper (`logger.injectLambdaContext`: the
   * Lambda context in every record, keys appended during an invocation reset after it), with
   * Powertools' `ColdStart` metric on the first invocation, the stored metrics flushed after
   * each one, and the invocation's deadline (from `context.getRemainingTimeInMillis()`, capped
   * by `budgetCapMs`) applied to every outbound call made inside it.
   */
  wrap<E, R>(fn: LambdaHandler<E, R>, options?: WrapOptions): LambdaHandler<E, R>;
}

export interface WrapOptions {
  /** A caller that gives up sooner than the function's timeout: API Gateway answers 504 after 29 s. */
  readonly budgetCapMs?: number;
}

export function lambdaPlatform(service: string, logLevel: string): LambdaPlatform {
  // A Lambda process runs one invocation at a time unless Lambda says it runs several.
  if (process.env['AWS_LAMBDA_MAX_CONCURRENCY'] === undefined) oneInvocationAtATime();
  const logger = new Logger({ serviceName: `baton-${service}`, logLevel: logLevel as 'INFO' });
  const metrics = new PowertoolsMetricsClient({ namespace: 'Baton', serviceName: `baton-${service}` });
  return {
    log: new PowertoolsLog(logger),
    metrics: new PowertoolsMetrics(metrics),
    wrap: (fn, options = {}) =>
      asDecorated(logger.injectLambdaContext({ resetKeys: true }), async (event, context) => {
        // What Powertools' `logMetrics({ captureColdStartMetric: true })` does, except that it
        // also flushes an empty store, which warns on every invocation that counted nothing.
        metrics.captureColdStartMetric(context.functionName);
        try {
          return await withDeadline(deadlineFor(context.getRemainingTimeInMillis(), Date.now(), options.budgetCapMs), () => fn(event, context));
        } finally {
          if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
        }
      }),
  };
}

/** Powertools' class-method decorators (`injectLambdaContext`, `logMetrics`) share this type. */
type HandlerDecorator = ReturnType<Logger['injectLambdaContext']>;

/**
 * Applies a Powertools class-method decorator to a plain function, as the decorator does to a
 * method: it replaces `descriptor.value`. No decorator syntax (esbuild emits none, and the
 * layer rule bans it), and no middy.
 */
function asDecorated<E, R>(decorator: HandlerDecorator, fn: LambdaHandler<E, R>): LambdaHandler<E, R> {
  type Target = Parameters<HandlerDecorator>[0];
  const descriptor = { value: fn } as unknown as Parameters<HandlerDecorator>[2];
  decorator({ handler: fn } as unknown as Target, 'handler', descriptor);
  return descriptor.value as unknown as LambdaHandler<E, R>;
}
