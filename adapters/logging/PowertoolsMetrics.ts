import { MetricUnit, type Metrics as PowertoolsMetricsClient } from '@aws-lambda-powertools/metrics';
import type { Metrics } from '../../application/ports/Metrics.js';

/** CloudWatch metrics as EMF records; the handler wrapper flushes them after each invocation. */
export class PowertoolsMetrics implements Metrics {
  constructor(private readonly metrics: PowertoolsMetricsClient) {}

  count(name: string, value = 1): void {
    this.metrics.addMetric(name, MetricUnit.Count, value);
  }
}
