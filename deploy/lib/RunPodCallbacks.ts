import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { IntegrationPattern, JsonPath, TaskInput, Timeout, type IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { OLDEST_ACCEPTED_AGE_METRIC } from '../../application/callbacks/RedriveCallbacks.js';
import { EXECUTION_INDEX, RECONCILE_INDEX } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { ENDED_BADLY } from '../../application/executions/StopExecutionWork.js';
import { ROLE_TAG } from '../../domain/launch/RenderLaunch.js';
import { callbacksTable, REDRIVE_INDEX } from '../../adapters/dynamodb/tables/index.js';
import { DEFAULT_CALLBACK_INDEX_SHARDS, isCallbackIndexShards } from '../../adapters/dynamodb/callbackItem.js';
import { acknowledge } from './acknowledge.js';
import { BatonFunction, type BatonFunctionDefaults } from './BatonFunction.js';
import { BatonTable } from './tables.js';

/** Lambda's transient errors: worth retrying on any task. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** The metric the redrive emits each run: how long the oldest accepted-but-not-resumed outcome has waited. */
/** Counted by ResumeCallback when Step Functions refuses a resume for good. */
export const REFUSED_METRIC = 'CallbacksRefused';
export const OLDEST_ACCEPTED_METRIC = { namespace: 'Baton', metricName: OLDEST_ACCEPTED_AGE_METRIC, service: 'baton-callback-redrive' };

export interface RunPodCallbacksProps {
  /** RunPod's `/run` URL of your endpoint, e.g. `https://api.runpod.ai/v2/<endpoint-id>/run`. */
  readonly runPodEndpointUrl: string;
  /** The secret holding the RunPod API key (plain string, or JSON with `api_key`); only referenced, never created. */
  readonly runPodApiKey: ISecret;
  /** The bucket segments are read from and written to (presigned GET/PUT). Needed unless `presignFunction` is given. */
  readonly bucket?: IBucket;
  /** Object keys (in `bucket`) the presigned URLs may name. @default '*' */
  readonly objectKeyPattern?: string;
  /** Seed 000's presign Lambda; without it, the submit function presigns with S3 itself. */
  readonly presignFunction?: IFunction;
  /** Webhook throttling (RunPod's deliveries plus anyone who finds the URL). @default 50 requests/s, burst 100 */
  readonly webhookThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** @default Schedule.rate(Duration.minutes(1)) */
  readonly redriveSchedule?: Schedule;
  /** @default 60 */
  readonly redriveAfterSeconds?: number;
  /** How often runpod-reconcile asks RunPod about PENDING jobs. @default Schedule.rate(Duration.minutes(5)) */
  readonly reconcileSchedule?: Schedule;
  /** A PENDING mapping older than this is reconciled (lost webhook, dead job, gone task). @default 300 */
  readonly reconcileAfterSeconds?: number;
  /** Alarm when an accepted outcome has waited this long for Step Functions. @default 15 minutes */
  readonly oldestAcceptedAlarmAfter?: Duration;
  readonly functionDefaults?: BatonFunctionDefaults;
  /** @default RemovalPolicy.RETAIN */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /**
   * Shards of the callbacks table's `redrive` and `reconcile` indexes (`CALLBACK_INDEX_SHARDS`),
   * given to every function that writes or reads them, here and in MangaPipeline's launchers (which
   * hand it to the workers). 1..256. On a live table it may grow, never shrink (ARCHITECTURE.md,
   * "Sharded sparse indexes"). @default 32
   */
  readonly callbackIndexShards?: number;
}

export interface SubmitTaskOptions {
  /** The task's input segment: `{ filename, input_key, output_key }`. @default JsonPath '$.segment' */
  readonly segment?: unknown;
  /** Job parameters for the worker. @default JsonPath '$.params' */
  readonly params?: unknown;
  /** The whole GPU job must finish within this. @default 2 hours */
  readonly timeout?: Duration;
  /** Without a heartbeat (RunPod reconciler) for this long, the task fails. @default none */
  readonly heartbeat?: Duration;
  readonly resultPath?: string;
}

/**
 * Seeds 000/001 deployed: the callbacks table, `submit-runpod-job`, `runpod-webhook` behind an
 * HTTP API (`POST /webhook/{callback_token}`, throttled, access-logged), the scheduled
 * `callback-redrive` and `runpod-reconcile`, and the alarm that says a callback is stuck.
 *
 * @example
 * const callbacks = new RunPodCallbacks(stack, 'Callbacks', { runPodEndpointUrl, runPodApiKey, bucket });
 * const upscale = callbacks.submitTask(stack, 'Upscale', { timeout: Duration.hours(2) });
 * const machine = new StateMachine(stack, 'Machine', { definitionBody: DefinitionBody.fromChainable(upscale) });
 * callbacks.grantResume(machine);
 */
export class RunPodCallbacks extends Construct {
  readonly table: BatonTable;
  readonly submit: BatonFunction;
  readonly webhook: BatonFunction;
  readonly redrive: BatonFunction;
  readonly reconcile: BatonFunction;
  /** Stops the work of an execution that ended badly (see `stopWorkOf`). */
  readonly executionEnded: BatonFunction;
  readonly api: HttpApi;
  /** `https://…/webhook/`: what submit-runpod-job gives RunPod as the webhook base. */
  readonly webhookBaseUrl: string;
  readonly oldestAcceptedAlarm: Alarm;
  /** Step Functions refused a resume for good (AccessDenied, validation): the mapping is REFUSED and waits for an operator. */
  readonly refusedCallbacksAlarm: Alarm;
  /** `CALLBACK_INDEX_SHARDS`, the same for every function of this table (see `RunPodCallbacksProps`). */
  readonly callbackIndexShards: number;

  constructor(scope: Construct, id: string, props: RunPodCallbacksProps) {
    super(scope, id);
    const defaults = props.functionDefaults ?? {};
    this.callbackIndexShards = props.callbackIndexShards ?? DEFAULT_CALLBACK_INDEX_SHARDS;
    if (!isCallbackIndexShards(this.callbackIndexShards)) {
      throw new Error(`RunPodCallbacks: callbackIndexShards must be a whole number from 1 to 256, got ${this.callbackIndexShards}`);
    }
    const shards = String(this.callbackIndexShards);
    this.table = new BatonTable(this, 'Table', {
      definition: callbacksTable(),
      ...(props.tableRemovalPolicy ? { removalPolicy: props.tableRemovalPolicy } : {}),
    });
    const table = this.table;

    this.webhook = new BatonFunction(this, 'Webhook', {
      ...defaults,
      handler: 'runpod-webhook',
      timeout: Duration.seconds(10),
      environment: { CALLBACK_TABLE_NAME: table.tableName, CALLBACK_INDEX_SHARDS: shards },
    }).allow(['dynamodb:UpdateItem'], [table.tableArn]);

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: defaults.logRetention ?? RetentionDays.ONE_MONTH });
    this.api = new HttpApi(this, 'Api', {
      description: 'RunPod webhooks: POST /webhook/{callback_token}',
      createDefaultStage: false,
    });
    new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.webhookThrottle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: AccessLogFormat.jsonWithStandardFields() },
    });
    const [route] = this.api.addRoutes({
      path: '/webhook/{callback_token}',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Webhook', this.webhook.function),
    });
    acknowledge(
      route!,
      'APIG4',
      'RunPod cannot sign requests or send credentials: the 256-bit callback token in the path is the credential (SPEC 6); unknown tokens get 404, worker tokens are refused on this channel, and the stage is throttled.',
    );
    this.webhookBaseUrl = `${this.api.apiEndpoint}/webhook/`;

    this.submit = new BatonFunction(this, 'Submit', {
      ...defaults,
      handler: 'submit-runpod-job',
      // RunPod's /run answers in seconds; the client's own deadline is shorter than this.
      timeout: Duration.seconds(30),
      environment: {
        CALLBACK_TABLE_NAME: table.tableName,
        CALLBACK_INDEX_SHARDS: shards,
        WEBHOOK_BASE_URL: this.webhookBaseUrl,
        RUNPOD_ENDPOINT_URL: props.runPodEndpointUrl,
        RUNPOD_API_KEY_SECRET_ID: props.runPodApiKey.secretName,
        ...(props.bucket ? { BUCKET_NAME: props.bucket.bucketName } : {}),
        ...(props.presignFunction ? { PRESIGN_LAMBDA_ARN: props.presignFunction.functionArn } : {}),
      },
    })
      // GetItem: a repeated delivery of the same task reads the mapping it made, instead of posting again.
      .allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], [table.tableArn])
      .allow(['secretsmanager:GetSecretValue'], [props.runPodApiKey.secretArn]);
    if (props.presignFunction) {
      this.submit.allow(['lambda:InvokeFunction'], [props.presignFunction.functionArn]);
    } else if (props.bucket) {
      // Presigned URLs act with the signer's permissions: RunPod reads the input and writes the output with them.
      this.submit.allow(['s3:GetObject', 's3:PutObject'], [props.bucket.arnForObjects(props.objectKeyPattern ?? '*')], {
        wildcardReason: 'Presigned GET/PUT URLs act with the signer\'s permissions, for segment keys that each execution names; narrow with objectKeyPattern.',
      });
    } else {
      throw new Error('RunPodCallbacks: give `bucket` (presign with S3) or `presignFunction` (seed 000\'s presign Lambda)');
    }

    this.redrive = new BatonFunction(this, 'Redrive', {
      ...defaults,
      handler: 'callback-redrive',
      timeout: Duration.seconds(60),
      environment: {
        CALLBACK_TABLE_NAME: table.tableName,
        CALLBACK_INDEX_SHARDS: shards,
        REDRIVE_AFTER_SECONDS: String(props.redriveAfterSeconds ?? 60),
      },
    })
      .allow(['dynamodb:Query'], [table.indexArn(REDRIVE_INDEX)])
      .allow(['dynamodb:UpdateItem'], [table.tableArn]);
    new Rule(this, 'RedriveSchedule', {
      description: 'Resume accepted callbacks Step Functions has not taken yet',
      schedule: props.redriveSchedule ?? Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaTarget(this.redrive.function, { retryAttempts: 0 })],
    });

    this.reconcile = new BatonFunction(this, 'Reconcile', {
      ...defaults,
      handler: 'runpod-reconcile',
      // Up to 40 pages of 50 status reads; shorter than the schedule, so runs rarely overlap (overlap is safe).
      timeout: Duration.minutes(4),
      environment: {
        CALLBACK_TABLE_NAME: table.tableName,
        CALLBACK_INDEX_SHARDS: shards,
        RUNPOD_ENDPOINT_URL: props.runPodEndpointUrl,
        RUNPOD_API_KEY_SECRET_ID: props.runPodApiKey.secretName,
        RECONCILE_AFTER_SECONDS: String(props.reconcileAfterSeconds ?? 300),
      },
    })
      .allow(['dynamodb:Query'], [table.indexArn(RECONCILE_INDEX)])
      .allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn])
      .allow(['secretsmanager:GetSecretValue'], [props.runPodApiKey.secretArn]);
    new Rule(this, 'ReconcileSchedule', {
      description: 'Recover lost RunPod webhooks, heartbeat running jobs, cancel jobs of gone tasks',
      schedule: props.reconcileSchedule ?? Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaTarget(this.reconcile.function, { retryAttempts: 0 })],
    });

    this.executionEnded = new BatonFunction(this, 'ExecutionEnded', {
      ...defaults,
      handler: 'execution-ended',
      // A page of mappings and one cancel per running job, then one EC2 call per 1,000 instances.
      timeout: Duration.minutes(2),
      environment: {
        CALLBACK_TABLE_NAME: table.tableName,
        CALLBACK_INDEX_SHARDS: shards,
        RUNPOD_ENDPOINT_URL: props.runPodEndpointUrl,
        RUNPOD_API_KEY_SECRET_ID: props.runPodApiKey.secretName,
      },
    })
      .allow(['dynamodb:Query'], [table.indexArn(EXECUTION_INDEX)])
      .allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn])
      .allow(['secretsmanager:GetSecretValue'], [props.runPodApiKey.secretArn])
      .allow(['ec2:DescribeInstances'], ['*'], { wildcardReason: 'EC2 Describe actions have no resource-level permissions.' })
      .allow(['ec2:TerminateInstances'], [Stack.of(this).formatArn({ service: 'ec2', resource: 'instance', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })], {
        conditions: { StringLike: { [`aws:ResourceTag/${ROLE_TAG}`]: '*' } },
        wildcardReason: `Only instances Baton launched (tagged ${ROLE_TAG}); their ids are found by tag at run time.`,
      });

    this.oldestAcceptedAlarm = new Alarm(this, 'OldestAccepted', {
      alarmDescription:
        'An outcome RunPod or a worker reported has not reached Step Functions for this long: Step Functions is failing (see callback-redrive logs)',
      metric: new Metric({
        namespace: OLDEST_ACCEPTED_METRIC.namespace,
        metricName: OLDEST_ACCEPTED_METRIC.metricName,
        dimensionsMap: { service: OLDEST_ACCEPTED_METRIC.service },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: (props.oldestAcceptedAlarmAfter ?? Duration.minutes(15)).toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // Every path that resumes a task counts a permanent refusal; the mapping then leaves the
    // redrive index, so only this alarm tells an operator (ARCHITECTURE.md, "Operating").
    const refused = (handler: string) =>
      new Metric({ namespace: 'Baton', metricName: REFUSED_METRIC, dimensionsMap: { service: `baton-${handler}` }, statistic: 'Sum', period: Duration.minutes(5) });
    this.refusedCallbacksAlarm = new Alarm(this, 'CallbacksRefused', {
      alarmDescription: 'Step Functions refused a resume for good (AccessDenied, validation): see the REFUSED mappings and their refusal',
      metric: new MathExpression({
        expression: 'FILL(webhook, 0) + FILL(redrive, 0) + FILL(reconcile, 0)',
        usingMetrics: { webhook: refused('runpod-webhook'), redrive: refused('callback-redrive'), reconcile: refused('runpod-reconcile') },
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  get functions(): BatonFunction[] {
    return [this.submit, this.webhook, this.redrive, this.reconcile, this.executionEnded];
  }

  /**
   * When an execution of `stateMachine` ends ABORTED, TIMED_OUT or FAILED, `execution-ended`
   * cancels its RunPod jobs, abandons its mappings and terminates its tagged Spot workers (the
   * tasks must pass `execution_arn: $$.Execution.Id`). The rule lives in the state machine's stack.
   */
  stopWorkOf(stateMachine: IStateMachine): Rule {
    const scope = Stack.of(stateMachine);
    return new Rule(scope, `BatonStopWork${stateMachine.node.addr.slice(0, 8)}`, {
      description: 'Stop the paid work (RunPod jobs, Spot workers) of an execution that ended badly',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [stateMachine.stateMachineArn], status: [...ENDED_BADLY] },
      },
      targets: [new LambdaTarget(this.executionEnded.function, { retryAttempts: 8 })],
    });
  }

  /**
   * Lets the webhook, the redrive and the reconciler resume tasks of `stateMachine`
   * (SendTaskSuccess/Failure on exactly its ARN), and the reconciler heartbeat them. The
   * policies live in the state machine's stack, so a machine in another stack than this
   * construct makes no dependency cycle.
   */
  grantResume(stateMachine: IStateMachine): Policy[] {
    const scope = Stack.of(stateMachine);
    const id = `BatonResume${stateMachine.node.addr.slice(0, 8)}`;
    const resources = [stateMachine.stateMachineArn];
    return [
      new Policy(scope, id, {
        roles: [this.webhook.role, this.redrive.role, this.reconcile.role],
        statements: [new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources })],
      }),
      new Policy(scope, `${id}Heartbeat`, {
        roles: [this.reconcile.role],
        statements: [new PolicyStatement({ actions: ['states:SendTaskHeartbeat'], resources })],
      }),
    ];
  }

  /**
   * A ready `.waitForTaskToken` task that submits one segment to RunPod: the execution waits
   * until the webhook (or the redrive) resumes it. Retries transient faults, never
   * `InvalidInput` or `RunPodRejected`. Call `grantResume` with the state machine that uses it.
   */
  submitTask(scope: Construct, id: string, options: SubmitTaskOptions = {}): LambdaInvoke {
    const task = new LambdaInvoke(scope, id, {
      lambdaFunction: this.submit.function,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        task_token: JsonPath.taskToken,
        exec_id: JsonPath.stringAt('$$.Execution.Id'),
        // Stored on the mapping: when the execution ends badly, execution-ended cancels the job (stopWorkOf).
        execution_arn: JsonPath.stringAt('$$.Execution.Id'),
        segment: options.segment ?? JsonPath.objectAt('$.segment'),
        params: options.params ?? JsonPath.objectAt('$.params'),
      }),
      taskTimeout: Timeout.duration(options.timeout ?? Duration.hours(2)),
      ...(options.heartbeat ? { heartbeatTimeout: Timeout.duration(options.heartbeat) } : {}),
      ...(options.resultPath ? { resultPath: options.resultPath } : {}),
      retryOnServiceExceptions: false,
    });
    task.addRetry({ errors: ['InvalidInput', 'RunPodRejected'], maxAttempts: 0 });
    task.addRetry({ errors: [...LAMBDA_TRANSIENT_ERRORS, 'CallbackTokenTaken'], interval: Duration.seconds(2), maxAttempts: 4, backoffRate: 2 });
    return task;
  }
}
