import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import { AslStateMachine } from './AslStateMachine.js';
import { BatonFunction } from './BatonFunction.js';
import { QueueWithDlq } from './queues.js';
import { OLDEST_ACCEPTED_METRIC } from './RunPodCallbacks.js';
import { BatonTable } from './tables.js';

/**
 * The Step Functions APIs Baton calls on every unit of work (ARCHITECTURE.md, "Capacity model"):
 * each has its own token bucket, and CloudWatch counts its throttles as `ThrottledEvents` by `APIName`.
 */
export const THROTTLED_STEP_FUNCTIONS_APIS = ['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat', 'StartExecution'] as const;

export interface BatonOperationsProps {
  /** The constructs to watch: every Baton function, queue, state machine and alarm inside them is found. */
  readonly watch: readonly IConstruct[];
  /** Where alarms go (email, chat, paging). @default alarms only change state */
  readonly alarmTopic?: ITopic;
  /** @default 'Baton' */
  readonly dashboardName?: string;
}

/**
 * One dashboard for everything Baton deployed, and (optionally) every Baton alarm wired to a
 * topic. It finds functions, queues, state machines and alarms by walking the constructs it
 * is given, so a function added to a construct is on the dashboard without a change here.
 */
export class BatonOperations extends Construct {
  readonly dashboard: Dashboard;
  /** Every alarm on the dashboard: those found in the watched constructs, then `capacityAlarms`. */
  readonly alarms: readonly Alarm[];
  /**
   * A capacity limit is being hit: one alarm per table (the table throttled a read or a
   * write, or an index a write) and one for Step Functions (SendTask*, StartExecution or state
   * transitions throttled). Lambda throttles already alarm per function.
   */
  readonly capacityAlarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: BatonOperationsProps) {
    super(scope, id);
    const all = props.watch.flatMap((c) => c.node.findAll());
    const functions = all.filter((c): c is BatonFunction => c instanceof BatonFunction);
    const queues = all.filter((c): c is QueueWithDlq => c instanceof QueueWithDlq);
    const machines = all.filter((c): c is AslStateMachine => c instanceof AslStateMachine);
    const tables = [...new Set(all.filter((c): c is BatonTable => c instanceof BatonTable))];
    const period = Duration.minutes(5);
    const found = all.filter((c): c is Alarm => c instanceof Alarm);
    const tableAlarms = tables.map((table, i) => this.tableThrottleAlarm(table, `table${i}`, period));
    this.capacityAlarms = [...tableAlarms, this.stepFunctionsThrottleAlarm(period)];
    this.alarms = [...found, ...this.capacityAlarms];
    if (props.alarmTopic) for (const alarm of this.alarms) alarm.addAlarmAction(new SnsAction(props.alarmTopic));

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName ?? 'Baton', defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '# Baton\nAlarms, then functions, queues, callbacks and pipelines. Logs: one group per function (`baton-<handler>` service).', width: 24, height: 2 }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 24, height: Math.max(3, Math.ceil(this.alarms.length / 4) + 1) }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: functions.map((f) => f.function.metricErrors({ period, label: f.handlerName })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Function throttles',
        left: functions.map((f) => f.function.metricThrottles({ period, label: f.handlerName })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Duration p99 (ms)',
        left: functions.map((f) => f.function.metricDuration({ period, statistic: 'p99', label: f.handlerName })),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Dead-letter queues (messages)',
        left: queues.map((q) => q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Oldest accepted, not resumed callback (s)',
        left: [
          new Metric({
            namespace: OLDEST_ACCEPTED_METRIC.namespace,
            metricName: OLDEST_ACCEPTED_METRIC.metricName,
            dimensionsMap: { service: OLDEST_ACCEPTED_METRIC.service },
            statistic: 'Maximum',
            period,
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Pipeline executions',
        left: machines.flatMap((m) => [
          m.stateMachine.metricSucceeded({ period, statistic: 'Sum' }),
          m.stateMachine.metricFailed({ period, statistic: 'Sum' }),
          m.stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
        ]),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Capacity limits hit: throttled DynamoDB and Step Functions requests (ARCHITECTURE.md, "Capacity model")',
        left: this.capacityAlarms.map((a) => a.metric),
        width: 24,
      }),
    );
  }

  /** Reads or writes of `table`, or writes of any of its indexes, throttled: a partition, table or account limit reached. */
  private tableThrottleAlarm(table: BatonTable, id: string, period: Duration): Alarm {
    const throttles = (metricName: string, index?: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: table.tableName, ...(index === undefined ? {} : { GlobalSecondaryIndexName: index }) },
        statistic: 'Sum',
        period,
      });
    // Metric ids are unique per table: the dashboard graphs every table's expression together.
    // Index writes, not index reads: a throttled index write fails the table write behind it,
    // while index reads are the scheduled handlers' small pages. An alarm takes 10 metrics.
    if (table.indexNames.length > 8) throw new Error(`${table.node.path}: one throttle alarm covers 8 indexes; split it`);
    const usingMetrics: Record<string, Metric> = { [`${id}Writes`]: throttles('WriteThrottleEvents'), [`${id}Reads`]: throttles('ReadThrottleEvents') };
    table.indexNames.forEach((index, i) => {
      usingMetrics[`${id}Index${i}Writes`] = throttles('WriteThrottleEvents', index);
    });
    const path = table.node.path.split('/').slice(1).join('/');
    return new Alarm(this, `Throttled${table.node.addr.slice(0, 8)}`, {
      alarmDescription: `${path}: DynamoDB throttled reads or writes on the table, or writes on its indexes (${table.indexNames.join(', ') || 'none'}); a throttled index write fails the table write too. See ARCHITECTURE.md, "Capacity model"`,
      metric: new MathExpression({
        expression: Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(' + '),
        usingMetrics,
        period,
        label: `${path} throttled`,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Step Functions refused calls Baton makes for every unit of work, or throttled state transitions (account-wide). */
  private stepFunctionsThrottleAlarm(period: Duration): Alarm {
    const usingMetrics: Record<string, Metric> = {
      transitions: new Metric({ namespace: 'AWS/States', metricName: 'ThrottledEvents', dimensionsMap: { ServiceMetric: 'StateTransition' }, statistic: 'Sum', period }),
    };
    for (const api of THROTTLED_STEP_FUNCTIONS_APIS) {
      usingMetrics[api.charAt(0).toLowerCase() + api.slice(1)] = new Metric({
        namespace: 'AWS/States',
        metricName: 'ThrottledEvents',
        dimensionsMap: { APIName: api },
        statistic: 'Sum',
        period,
      });
    }
    return new Alarm(this, 'StepFunctionsThrottled', {
      alarmDescription:
        'Step Functions throttled SendTaskSuccess/Failure/Heartbeat, StartExecution or state transitions (account quotas): resumes wait for the redrive. See ARCHITECTURE.md, "Capacity model"',
      metric: new MathExpression({
        expression: Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(' + '),
        usingMetrics,
        period,
        label: 'Step Functions throttled',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
