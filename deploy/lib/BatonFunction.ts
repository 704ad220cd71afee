import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, CfnFunction, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcards, wildcardOf } from './acknowledge.js';
import { bundleDirectory } from './bundles.js';

/** Settings shared by every Baton function of a construct. */
export interface BatonFunctionDefaults {
  /** Where the bundles are (`npm run bundle`). @default <repo>/dist/lambda */
  readonly bundlesDir?: string;
  /** @default Architecture.ARM_64 — cheaper per GB-second; the bundles are pure JavaScript. */
  readonly architecture?: Architecture;
  /** @default Runtime.NODEJS_22_X — the bundles target Node 22. */
  readonly runtime?: Runtime;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

export interface BatonFunctionProps extends BatonFunctionDefaults {
  /** The bundle: a file name in entrypoints/lambda/ (`runpod-webhook`). */
  readonly handler: string;
  readonly environment?: Record<string, string>;
  readonly timeout: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  readonly description?: string;
}

export interface AllowOptions {
  readonly conditions?: Record<string, Record<string, unknown>>;
  /** Why a wildcard resource is the least that works (required when there is one). */
  readonly wildcardReason?: string;
}

/** The metadata key that marks a function as the deployment of one bundle (read by the tests). */
export const HANDLER_METADATA = 'baton:handler';

/**
 * One Lambda function from one bundle: its own role (which starts with nothing but writing to
 * its own log group: no AWS managed policy), its own log group, source-mapped stack traces,
 * and alarms on errors and throttles. Permissions are added statement by statement with
 * `allow`, naming exactly the actions the handler calls and the resources it calls them on.
 */
export class BatonFunction extends Construct {
  readonly handlerName: string;
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly errorsAlarm: Alarm;
  readonly throttlesAlarm: Alarm;

  constructor(scope: Construct, id: string, props: BatonFunctionProps) {
    super(scope, id);
    this.handlerName = props.handler;
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `baton ${props.handler}: the calls its handler makes, nothing else`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.function = new LambdaFunction(this, 'Function', {
      code: Code.fromAsset(bundleDirectory(props.handler, props.bundlesDir)),
      handler: 'index.handler',
      runtime: props.runtime ?? Runtime.NODEJS_22_X,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      description: props.description ?? `baton ${props.handler}`,
      environment: {
        ...props.environment,
        LOG_LEVEL: props.logLevel ?? 'INFO',
        // The bundles ship index.mjs.map: stack traces name the TypeScript source lines.
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    (this.function.node.defaultChild as CfnFunction).addMetadata(HANDLER_METADATA, props.handler);
    if (this.function.runtime === Runtime.NODEJS_22_X) {
      acknowledge(this, 'L1', 'The bundles are built and tested for Node 22 (esbuild target node22, tests on Node 22); nodejs24.x is a `runtime` prop away.');
    }
    this.errorsAlarm = new Alarm(this, 'Errors', {
      alarmDescription: `${props.handler}: invocations failed (unhandled error or timeout)`,
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.throttlesAlarm = new Alarm(this, 'Throttles', {
      alarmDescription: `${props.handler}: invocations throttled (concurrency limit reached)`,
      metric: this.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Grants exactly `actions` on exactly `resources` to this function's role. A resource with a
   * wildcard (objects under a prefix, instances not yet launched) needs `wildcardReason`,
   * which becomes the cdk-nag acknowledgement.
   */
  allow(actions: readonly string[], resources: readonly string[], options: AllowOptions = {}): this {
    const wild = resources.filter((r) => wildcardOf(this, r) !== undefined);
    if (wild.length > 0 && options.wildcardReason === undefined) {
      throw new Error(`${this.node.path}: say why ${actions.join(', ')} needs a wildcard resource (wildcardReason)`);
    }
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...actions], resources: [...resources], ...(options.conditions ? { conditions: options.conditions } : {}) }),
    );
    if (options.wildcardReason !== undefined) acknowledgeWildcards(this, wild, options.wildcardReason);
    return this;
  }

  get functionArn(): string {
    return this.function.functionArn;
  }

  get stack(): Stack {
    return Stack.of(this);
  }
}
