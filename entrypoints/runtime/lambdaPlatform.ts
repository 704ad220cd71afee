import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics as PowertoolsMetricsClient } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import { PowertoolsLog } from '../../adapters/logging/PowertoolsLog.js';
import { PowertoolsMetrics } from '../../adapters/logging/PowertoolsMetrics.js';
import { deadlineFor, withDeadline } from '../../adapters/shared/deadline.js';

/** Logging and metrics of one Lambda function, created once per container. */
export interface LambdaPlatform {
  readonly log: Log;
  readonly metrics: Metrics;
  /**
   * Wraps a handler: Lambda context in every log record, metrics flushed after each invocation,
   * and the invocation's deadline (from `context.getRemainingTimeInMillis()`, capped by
   * `budgetCapMs`) applied to every outbound call made inside it.
   */
  wrap<E, R>(fn: (event: E, context: Context) => Promise<R>, options?: WrapOptions): (event: E, context: Context) => Promise<R>;
}

export interface WrapOptions {
  /** A caller that gives up sooner than the function's timeout: API Gateway answers 504 after 29 s. */
  readonly budgetCapMs?: number;
}

export function lambdaPlatform(service: string, logLevel: string): LambdaPlatform {
  const logger = new Logger({
    serviceName: `baton-${service}`,
    logLevel: logLevel as 'INFO',
  });
  const metricsClient = new PowertoolsMetricsClient({ namespace: 'Baton', serviceName: `baton-${service}` });
  return {
    log: new PowertoolsLog(logger),
    metrics: new PowertoolsMetrics(metricsClient),
    wrap:
      (fn, options = {}) =>
      async (event, context) => {
        if (context) logger.addContext(context);
        const remaining = context?.getRemainingTimeInMillis?.();
        try {
          if (typeof remaining !== 'number') return await fn(event, context);
          return await withDeadline(deadlineFor(remaining, Date.now(), options.budgetCapMs), () => fn(event, context));
        } finally {
          if (metricsClient.hasStoredMetrics()) metricsClient.publishStoredMetrics();
        }
      },
  };
}
