import { readFileSync } from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnStateMachine, DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { relative } from 'node:path';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge.js';
import { REPO_ROOT } from './bundles.js';

/** The metadata key naming a state machine's ASL file (relative to the repository). */
export const DEFINITION_METADATA = 'baton:definition';

/** Every `${Name}` placeholder in an ASL file, sorted. */
export function aslPlaceholders(definitionFile: string): string[] {
  const text = readFileSync(definitionFile, 'utf8');
  return [...new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!))].sort();
}

/** `check-quota` → `CheckQuotaFunctionArn`: how the shipped definitions name Baton's functions. */
export function functionPlaceholder(handler: string): string {
  return `${handler.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}FunctionArn`;
}

export interface AslStateMachineProps {
  /** An ASL file from pipelines/. */
  readonly definitionFile: string;
  /** Functions by placeholder (`CheckQuotaFunctionArn` → the function): substituted and granted `lambda:InvokeFunction`. */
  readonly functions: Record<string, IFunction>;
  /** Any other placeholders (not functions), by name. */
  readonly substitutions?: Record<string, string>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  readonly description: string;
}

/**
 * A state machine from a shipped ASL file. Every placeholder present in the file must be
 * given (a function or a plain substitution), so a definition that gains a task fails the
 * synth, naming what is missing, instead of deploying `${…}` text. The role may invoke exactly
 * the substituted functions. Logs at level ALL without execution data (inputs carry task
 * tokens and users' payloads); alarms on failed and timed-out executions.
 */
export class AslStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly placeholders: readonly string[];
  readonly failedAlarm: Alarm;
  readonly timedOutAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AslStateMachineProps) {
    super(scope, id);
    this.placeholders = aslPlaceholders(props.definitionFile);
    const given: Record<string, string> = {
      ...props.substitutions,
      ...Object.fromEntries(Object.entries(props.functions).map(([name, fn]) => [name, fn.functionArn])),
    };
    const missing = this.placeholders.filter((p) => !(p in given));
    if (missing.length > 0) {
      throw new Error(`${props.definitionFile}: no value for placeholder(s) ${missing.join(', ')}`);
    }
    const used = Object.fromEntries(this.placeholders.map((p) => [p, given[p]!]));
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    this.stateMachine = new StateMachine(this, 'Resource', {
      definitionBody: DefinitionBody.fromFile(props.definitionFile),
      definitionSubstitutions: used,
      comment: props.description,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    // Which file it came from, for the tests that check every placeholder was substituted.
    (this.stateMachine.node.defaultChild as CfnStateMachine).addMetadata(DEFINITION_METADATA, relative(REPO_ROOT, props.definitionFile));
    acknowledge(
      this.stateMachine.role,
      'IAM5[Resource::*]',
      'CloudWatch Logs delivery for Step Functions (logs:CreateLogDelivery, logs:DescribeResourcePolicies, …) supports only Resource "*" (added by CDK for `logs`).',
    );
    acknowledge(this.stateMachine, 'SF2', 'Observed through logs at level ALL, CloudWatch metrics and alarms; X-Ray tracing would add an xray:* grant on "*" for little on Lambda-invoke tasks.');
    const invoked = Object.entries(props.functions).filter(([name]) => this.placeholders.includes(name));
    if (invoked.length > 0) {
      this.stateMachine.addToRolePolicy(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: invoked.map(([, fn]) => fn.functionArn) }),
      );
    }
    const alarm = (alarmId: string, what: string, metric: ReturnType<StateMachine['metricFailed']>) =>
      new Alarm(this, alarmId, {
        alarmDescription: `${props.description}: ${what}`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    this.failedAlarm = alarm('Failed', 'executions failed', this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }));
    this.timedOutAlarm = alarm(
      'TimedOut',
      'executions timed out (an execution timeout skips every Catch: the job was not marked failed)',
      this.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
  }
}
