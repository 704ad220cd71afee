import { Duration } from 'aws-cdk-lib';
import { Alarm, AlarmStatusWidget, Dashboard, GraphWidget, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import { AslStateMachine } from './AslStateMachine.js';
import { BatonFunction } from './BatonFunction.js';
import { QueueWithDlq } from './queues.js';
import { OLDEST_ACCEPTED_METRIC } from './RunPodCallbacks.js';

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
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: BatonOperationsProps) {
    super(scope, id);
    const all = props.watch.flatMap((c) => c.node.findAll());
    const functions = all.filter((c): c is BatonFunction => c instanceof BatonFunction);
    const queues = all.filter((c): c is QueueWithDlq => c instanceof QueueWithDlq);
    const machines = all.filter((c): c is AslStateMachine => c instanceof AslStateMachine);
    this.alarms = all.filter((c): c is Alarm => c instanceof Alarm);
    if (props.alarmTopic) for (const alarm of this.alarms) alarm.addAlarmAction(new SnsAction(props.alarmTopic));

    const period = Duration.minutes(5);
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
  }
}
