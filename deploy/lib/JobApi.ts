import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { jobsTable } from '../../adapters/dynamodb/tables/index.js';
import { UNQUEUED_INDEX } from '../../adapters/dynamodb/tables/jobsTable.js';
import { acknowledge } from './acknowledge.js';
import { BatonFunction, type BatonFunctionDefaults } from './BatonFunction.js';
import { QueueWithDlq } from './queues.js';
import { BatonTable } from './tables.js';

export interface JobApiProps {
  /** Where processors write outputs; `get-job-status` hands out presigned GETs for `outputKeyPattern` in it. */
  readonly outputBucket: IBucket;
  /** @default '*' */
  readonly outputKeyPattern?: string;
  /**
   * Who may call the API. `'iam'` (default): SigV4-signed callers with `execute-api:Invoke`.
   * `'none'` makes the API public: an explicit choice. Or any HTTP API authorizer (JWT, Lambda).
   */
  readonly authorization?: 'iam' | 'none' | IHttpRouteAuthorizer;
  /** @default 20 requests/s, burst 40 */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Share a jobs table (e.g. with MangaPipeline's handle-error); by default the construct makes one. */
  readonly jobsTable?: BatonTable;
  readonly functionDefaults?: BatonFunctionDefaults;
  readonly tableRemovalPolicy?: RemovalPolicy;
  /** How often job-sweeper looks for jobs recorded but never queued. @default Schedule.rate(Duration.minutes(5)) */
  readonly sweepSchedule?: Schedule;
}

/**
 * Seed 002 deployed: the jobs table, `POST /jobs` (`submit-job`) and `GET /jobs/{jobId}`
 * (`get-job-status`) on an HTTP API (IAM-authorized unless you choose otherwise), the job queue
 * your processors consume (with a DLQ), and the status queue they report to, consumed by
 * `update-job-status` with partial batch responses, and `job-sweeper` on a schedule (jobs a
 * crash left recorded but never queued are sent, or failed after an hour).
 *
 * @example
 * const jobs = new JobApi(stack, 'Jobs', { outputBucket });
 * jobs.jobQueue.queue.grantConsumeMessages(processorRole);
 * jobs.statusQueue.queue.grantSendMessages(processorRole);
 */
export class JobApi extends Construct {
  readonly table: BatonTable;
  readonly jobQueue: QueueWithDlq;
  readonly statusQueue: QueueWithDlq;
  readonly submitJob: BatonFunction;
  readonly getJobStatus: BatonFunction;
  readonly updateJobStatus: BatonFunction;
  readonly sweeper: BatonFunction;
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: JobApiProps) {
    super(scope, id);
    const defaults = props.functionDefaults ?? {};
    this.table =
      props.jobsTable ??
      new BatonTable(this, 'Table', { definition: jobsTable(), ...(props.tableRemovalPolicy ? { removalPolicy: props.tableRemovalPolicy } : {}) });
    const table = this.table;
    // Processors hold a job for as long as they work on it: their own choice, 15 minutes here.
    this.jobQueue = new QueueWithDlq(this, 'JobQueue', { visibilityTimeout: Duration.minutes(15), description: 'job queue' });
    this.statusQueue = new QueueWithDlq(this, 'StatusQueue', { visibilityTimeout: Duration.minutes(3), description: 'job status queue' });

    this.submitJob = new BatonFunction(this, 'SubmitJob', {
      ...defaults,
      handler: 'submit-job',
      timeout: Duration.seconds(15),
      environment: {
        DYNAMODB_JOBS_TABLE: table.tableName,
        SQS_JOB_QUEUE_URL: this.jobQueue.queue.queueUrl,
        S3_BUCKET_NAME: props.outputBucket.bucketName,
      },
    })
      .allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], [table.tableArn])
      .allow(['sqs:SendMessage'], [this.jobQueue.queue.queueArn]);

    this.getJobStatus = new BatonFunction(this, 'GetJobStatus', {
      ...defaults,
      handler: 'get-job-status',
      timeout: Duration.seconds(10),
      environment: { DYNAMODB_JOBS_TABLE: table.tableName, S3_BUCKET_NAME: props.outputBucket.bucketName },
    })
      .allow(['dynamodb:GetItem'], [table.tableArn])
      // Presigned output links act with this role's permissions.
      .allow(['s3:GetObject'], [props.outputBucket.arnForObjects(props.outputKeyPattern ?? '*')], {
        wildcardReason: 'Presigned GET links to job outputs act with this role; output keys are chosen per job by processors; narrow with outputKeyPattern.',
      });

    this.updateJobStatus = new BatonFunction(this, 'UpdateJobStatus', {
      ...defaults,
      handler: 'update-job-status',
      timeout: Duration.seconds(30),
      environment: { DYNAMODB_JOBS_TABLE: table.tableName },
    }).allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]);
    this.updateJobStatus.function.addEventSource(
      new SqsEventSource(this.statusQueue.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    this.sweeper = new BatonFunction(this, 'JobSweeper', {
      ...defaults,
      handler: 'job-sweeper',
      timeout: Duration.seconds(60),
      environment: {
        DYNAMODB_JOBS_TABLE: table.tableName,
        SQS_JOB_QUEUE_URL: this.jobQueue.queue.queueUrl,
        S3_BUCKET_NAME: props.outputBucket.bucketName,
      },
    })
      .allow(['dynamodb:Query'], [table.indexArn(UNQUEUED_INDEX)])
      .allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn])
      .allow(['sqs:SendMessage'], [this.jobQueue.queue.queueArn]);
    new Rule(this, 'SweepSchedule', {
      description: 'Send (or fail) jobs recorded but never handed to the job queue',
      schedule: props.sweepSchedule ?? Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaTarget(this.sweeper.function, { retryAttempts: 0 })],
    });

    const authorizer =
      props.authorization === 'none'
        ? new HttpNoneAuthorizer()
        : props.authorization === undefined || props.authorization === 'iam'
          ? new HttpIamAuthorizer()
          : props.authorization;
    this.api = new HttpApi(this, 'Api', { description: 'Job API (seed 002)', createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: defaults.logRetention ?? RetentionDays.ONE_MONTH });
    new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 20, burstLimit: 40 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: AccessLogFormat.jsonWithStandardFields() },
    });
    const routes = this.api.addRoutes({
      path: '/jobs',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('SubmitJob', this.submitJob.function),
      authorizer,
    });
    routes.push(
      ...this.api.addRoutes({
        path: '/jobs/{jobId}',
        methods: [HttpMethod.GET],
        integration: new HttpLambdaIntegration('GetJobStatus', this.getJobStatus.function),
        authorizer,
      }),
    );
    if (props.authorization === 'none') {
      for (const route of routes) acknowledge(route, 'APIG4', 'Public by the explicit choice of `authorization: \'none\'`.');
    }
  }

  get functions(): BatonFunction[] {
    return [this.submitJob, this.getJobStatus, this.updateJobStatus, this.sweeper];
  }
}
