import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  JsonSchemaType,
  LambdaIntegration,
  LogGroupLogDestination,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ICluster, ITaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { jobsTable } from '../../adapters/dynamodb/tables/index.js';
import { acknowledge } from './acknowledge.js';
import { BatonFunction, type BatonFunctionDefaults } from './BatonFunction.js';
import { QueueWithDlq } from './queues.js';
import { BatonTable } from './tables.js';

export interface EcsDispatchProps {
  readonly cluster: ICluster;
  /** The recorder task (http(s), rtmp(s) sources) and the container the job's variables go to. */
  readonly taskDefinition: ITaskDefinition;
  readonly containerName: string;
  /** Optional: the Transmission task for magnet links and .torrent URLs. */
  readonly transmissionTaskDefinition?: ITaskDefinition;
  readonly transmissionContainerName?: string;
  /** Given to the container as S3_BUCKET. */
  readonly bucket: IBucket;
  /** awsvpc (Fargate) networking: plain ids, no lookups. */
  readonly subnetIds?: readonly string[];
  readonly securityGroupIds?: readonly string[];
  /** @default the cluster's default capacity provider strategy */
  readonly launchType?: 'FARGATE' | 'EC2' | 'EXTERNAL';
  /** IAM (default) or an explicit choice of a public API. */
  readonly authorization?: 'iam' | 'none';
  /** @default 10 requests/s, burst 20 */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Share the jobs table (JobApi's); by default the construct makes one. */
  readonly jobsTable?: BatonTable;
  readonly functionDefaults?: BatonFunctionDefaults;
  readonly tableRemovalPolicy?: RemovalPolicy;
}

/**
 * Seed 004 deployed: a REST API `POST /jobs` and an SQS job queue (with DLQ) in front of
 * `dispatch-to-ecs`, the table that tracks each dispatch, and `ecs-task-state` on an
 * EventBridge rule (ECS Task State Change, STOPPED, started by Baton on this cluster) that
 * settles each job when its task stops. The function may run exactly the given task
 * definitions, on exactly the given cluster, pass exactly their roles, and stop tasks of that
 * cluster only (a duplicate nobody records).
 *
 * @example
 * new EcsDispatch(stack, 'Dispatch', { cluster, taskDefinition, containerName: 'recorder', bucket, subnetIds });
 */
export class EcsDispatch extends Construct {
  readonly table: BatonTable;
  readonly jobQueue: QueueWithDlq;
  readonly dispatch: BatonFunction;
  readonly taskState: BatonFunction;
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: EcsDispatchProps) {
    super(scope, id);
    const defaults = props.functionDefaults ?? {};
    this.table =
      props.jobsTable ??
      new BatonTable(this, 'Table', { definition: jobsTable(), ...(props.tableRemovalPolicy ? { removalPolicy: props.tableRemovalPolicy } : {}) });
    const timeout = Duration.seconds(30);
    this.jobQueue = new QueueWithDlq(this, 'JobQueue', { visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6), description: 'ECS dispatch queue' });
    const taskDefinitions = [props.taskDefinition, ...(props.transmissionTaskDefinition ? [props.transmissionTaskDefinition] : [])];

    this.dispatch = new BatonFunction(this, 'Dispatch', {
      ...defaults,
      handler: 'dispatch-to-ecs',
      timeout,
      environment: {
        ECS_CLUSTER: props.cluster.clusterArn,
        ECS_TASK_DEF: props.taskDefinition.taskDefinitionArn,
        CONTAINER_NAME: props.containerName,
        S3_BUCKET: props.bucket.bucketName,
        DDB_TABLE: this.table.tableName,
        // Longer than the function timeout: one delivery's launch is never taken over by another mid-flight.
        LAUNCH_LEASE_SECONDS: String(timeout.toSeconds() * 4),
        ...(props.transmissionTaskDefinition ? { TRANSMISSION_TASK_DEF: props.transmissionTaskDefinition.taskDefinitionArn } : {}),
        ...(props.transmissionContainerName ? { TRANSMISSION_CONTAINER_NAME: props.transmissionContainerName } : {}),
        ...(props.launchType ? { ECS_LAUNCH_TYPE: props.launchType } : {}),
        ...(props.subnetIds ? { ECS_SUBNETS: props.subnetIds.join(',') } : {}),
        ...(props.securityGroupIds ? { ECS_SECURITY_GROUPS: props.securityGroupIds.join(',') } : {}),
      },
    }).allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [this.table.tableArn]);
    const passed = taskDefinitions.flatMap((t) => [t.taskRole.roleArn, ...(t.executionRole ? [t.executionRole.roleArn] : [])]);
    this.dispatch
      .allow(['ecs:RunTask'], taskDefinitions.map((t) => t.taskDefinitionArn), { conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } } })
      .allow(['iam:PassRole'], [...new Set(passed)], { conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } });
    const tasksOfCluster = Stack.of(this).formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: `${props.cluster.clusterName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.dispatch.allow(['ecs:StopTask'], [tasksOfCluster], {
      conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } },
      wildcardReason: 'Stops a duplicate task whose id exists only once it started; only tasks of this cluster.',
    });
    this.dispatch.function.addEventSource(new SqsEventSource(this.jobQueue.queue, { batchSize: 10, reportBatchItemFailures: true }));

    this.taskState = new BatonFunction(this, 'TaskState', {
      ...defaults,
      handler: 'ecs-task-state',
      timeout: Duration.seconds(30),
      environment: { DDB_TABLE: this.table.tableName },
    }).allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [this.table.tableArn]);
    new Rule(this, 'TaskStopped', {
      description: 'Baton dispatch tasks that stopped: their jobs end completed or failed',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { lastStatus: ['STOPPED'], clusterArn: [props.cluster.clusterArn], startedBy: ['baton-dispatch'] },
      },
      targets: [new LambdaTarget(this.taskState.function, { retryAttempts: 8 })],
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: defaults.logRetention ?? RetentionDays.ONE_MONTH });
    const throttle = props.throttle ?? { rateLimit: 10, burstLimit: 20 };
    this.api = new RestApi(this, 'Api', {
      description: 'ECS dispatch (seed 004): POST /jobs',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const model = this.api.addModel('DispatchRequest', {
      contentType: 'application/json',
      schema: {
        type: JsonSchemaType.OBJECT,
        required: ['url'],
        properties: { url: { type: JsonSchemaType.STRING, minLength: 1, maxLength: 4096 }, job_id: { type: JsonSchemaType.STRING } },
      },
    });
    acknowledge(this.api.deploymentStage, 'APIG3', 'A WAF web ACL is the account\'s choice (attach one with CfnWebACLAssociation); the stage is throttled and IAM-authorized.');
    acknowledge(
      this.api.deploymentStage,
      'APIG6',
      'Execution logging needs the account-wide API Gateway CloudWatch role, which a library construct must not own; access logs are on.',
    );
    const method = this.api.root.addResource('jobs').addMethod('POST', new LambdaIntegration(this.dispatch.function), {
      authorizationType: props.authorization === 'none' ? AuthorizationType.NONE : AuthorizationType.IAM,
      requestValidator: this.api.addRequestValidator('Body', { validateRequestBody: true, validateRequestParameters: true }),
      requestModels: { 'application/json': model },
    });
    acknowledge(method, 'COG4', 'Callers are services signing with SigV4 (IAM authorization), not Cognito users.');
    if (props.authorization === 'none') acknowledge(method, 'APIG4', 'Public by the explicit choice of `authorization: \'none\'`.');
  }

  get functions(): BatonFunction[] {
    return [this.dispatch, this.taskState];
  }
}
