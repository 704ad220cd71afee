import { join } from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget, SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { InstanceProfile, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { countersTable, jobsTable } from '../../adapters/dynamodb/tables/index.js';
import { ROLE_TAG } from '../../domain/launch/RenderLaunch.js';
import { AslStateMachine, functionPlaceholder } from './AslStateMachine.js';
import { BatonFunction, type BatonFunctionDefaults } from './BatonFunction.js';
import { REPO_ROOT } from './bundles.js';
import type { RunPodCallbacks } from './RunPodCallbacks.js';
import { BatonTable } from './tables.js';

/** Where and how one kind of Spot worker runs: plain ids (context values), no lookups. */
export interface WorkerPlacement {
  readonly amiId: string;
  /** Tried in order. */
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** Tried in order. @default the handler's default (c5.2xlarge renderer, t3.medium uploader) */
  readonly instanceTypes?: readonly string[];
}

export interface MangaPipelineProps {
  /** Workers report through its table; its webhook and redrive resume this pipeline's tasks. */
  readonly callbacks: RunPodCallbacks;
  /** `runs/{job_id}/` is emptied by `cleanup`. */
  readonly artifactsBucket: IBucket;
  /** The user's own functions (seed 003), called as opaque tasks. */
  readonly fetcher: IFunction;
  readonly scriptGenerator: IFunction;
  readonly ttsGenerator: IFunction;
  /** More user functions, by the placeholder name the definition uses (`AssembleFunctionArn`). */
  readonly extraFunctions?: Record<string, IFunction>;
  readonly renderer: WorkerPlacement;
  readonly uploader: WorkerPlacement;
  /** Passed to both launchers: WORKER_REPOSITORY_URL, WORKER_REPOSITORY_REF, WORKER_WORK_DIR, … */
  readonly workerEnvironment?: Record<string, string>;
  /** @default 10 */
  readonly dailyQuota?: number;
  /** @default Schedule.rate(Duration.hours(1)) — the quota decides how many runs make a video. */
  readonly schedule?: Schedule;
  /** Share the jobs table with JobApi; by default the construct makes one. */
  readonly jobsTable?: BatonTable;
  /** @default pipelines/manga-pipeline.asl.json */
  readonly definitionFile?: string;
  readonly functionDefaults?: BatonFunctionDefaults;
  readonly tableRemovalPolicy?: RemovalPolicy;
  /** A worker instance older than this is terminated by worker-sweeper. @default 3 hours */
  readonly workerMaxAge?: Duration;
}

/** Baton's seed-003 helpers, by handler name. */
const HELPERS = ['check-quota', 'reserve-quota', 'release-quota', 'increment-counter', 'handle-error', 'cleanup', 'start-renderer', 'start-uploader'] as const;

/**
 * Seed 003 deployed: the counters and jobs tables, every helper function, the error topic,
 * the Spot workers' instance role and profile, and the state machine from
 * pipelines/manga-pipeline.asl.json with every placeholder substituted, on a schedule.
 *
 * The workers' role may do exactly what the worker protocol needs: read and conditionally
 * update callback items by key (no Query, no Scan, no index) and resume this machine's tasks.
 *
 * @example
 * new MangaPipeline(stack, 'Manga', { callbacks, artifactsBucket, fetcher, scriptGenerator, ttsGenerator, renderer, uploader });
 */
export class MangaPipeline extends Construct {
  readonly countersTable: BatonTable;
  readonly jobsTable: BatonTable;
  readonly errorTopic: Topic;
  readonly workerRole: Role;
  readonly workerInstanceProfile: InstanceProfile;
  readonly functions: Record<(typeof HELPERS)[number], BatonFunction>;
  readonly pipeline: AslStateMachine;
  /** Terminates Spot workers whose execution ended, or that outlived every task. */
  readonly workerSweeper: BatonFunction;

  constructor(scope: Construct, id: string, props: MangaPipelineProps) {
    super(scope, id);
    const defaults = props.functionDefaults ?? {};
    const removal = props.tableRemovalPolicy ? { removalPolicy: props.tableRemovalPolicy } : {};
    this.countersTable = new BatonTable(this, 'Counters', { definition: countersTable(), ...removal });
    this.jobsTable = props.jobsTable ?? new BatonTable(this, 'Jobs', { definition: jobsTable(), ...removal });
    const callbacks = props.callbacks.table;
    const counters = this.countersTable;
    this.errorTopic = new Topic(this, 'Errors', {
      displayName: 'Baton manga pipeline errors',
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });

    this.workerRole = new Role(this, 'WorkerRole', {
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      description: 'Baton Spot workers: report and heartbeat through the callbacks table, nothing else',
    });
    this.workerInstanceProfile = new InstanceProfile(this, 'WorkerProfile', { role: this.workerRole });
    this.workerRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [callbacks.tableArn] }),
    );

    const counterFn = (fnId: string, handler: (typeof HELPERS)[number], actions: string[], env: Record<string, string> = {}) =>
      new BatonFunction(this, fnId, {
        ...defaults,
        handler,
        timeout: Duration.seconds(10),
        environment: { DYNAMODB_COUNTER_TABLE: counters.tableName, ...env },
      }).allow(actions, [counters.tableArn]);
    const quota = { DAILY_QUOTA: String(props.dailyQuota ?? 10) };
    const launcher = (fnId: string, handler: 'start-renderer' | 'start-uploader', placement: WorkerPlacement) => {
      const p = handler === 'start-renderer' ? 'RENDERER' : 'UPLOADER';
      const fn = new BatonFunction(this, fnId, {
        ...defaults,
        handler,
        // Tries every pool in turn; each RunInstances answers in a second or two.
        timeout: Duration.seconds(60),
        environment: {
          ...props.workerEnvironment,
          [`${p}_AMI_ID`]: placement.amiId,
          [`${p}_SUBNET_ID`]: placement.subnetIds.join(','),
          [`${p}_SECURITY_GROUP_ID`]: placement.securityGroupIds.join(','),
          [`${p}_IAM_INSTANCE_PROFILE`]: this.workerInstanceProfile.instanceProfileArn,
          ...(placement.instanceTypes ? { [`${p}_INSTANCE_TYPE`]: placement.instanceTypes.join(',') } : {}),
          CALLBACK_TABLE_NAME: callbacks.tableName,
          // The worker's claim writes `redrive_pk`: the launcher hands it the table's shard count.
          CALLBACK_INDEX_SHARDS: String(props.callbacks.callbackIndexShards),
        },
      });
      const stack = Stack.of(this);
      const ec2 = (resource: string) => stack.formatArn({ service: 'ec2', resource, resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
      const created = [ec2('instance'), ec2('volume'), ec2('network-interface'), ec2('spot-instances-request')];
      const named = (resource: string, ids: readonly string[]) =>
        ids.map((i) => stack.formatArn({ service: 'ec2', resource, resourceName: i, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }));
      const launchReason =
        'RunInstances creates the instance, its volume, network interface and Spot request: their ids do not exist before the call. Subnets, security groups and the AMI are named exactly.';
      // GetItem: a repeated delivery of the task reads its mapping; DescribeInstances finds an instance whose launch answer was lost.
      fn.allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [callbacks.tableArn])
        .allow(['ec2:DescribeInstances'], ['*'], { wildcardReason: 'DescribeInstances supports no resource-level permissions; it only reads, by client token.' })
        .allow(
          ['ec2:RunInstances'],
          [
            ...created,
            ...named('subnet', placement.subnetIds),
            ...named('security-group', placement.securityGroupIds),
            stack.formatArn({ service: 'ec2', account: '', resource: 'image', resourceName: placement.amiId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
          ],
          { wildcardReason: launchReason },
        )
        .allow(['ec2:CreateTags'], created, {
          conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
          wildcardReason: 'Tags are applied by RunInstances to what it creates (condition ec2:CreateAction = RunInstances), nothing else.',
        })
        .allow(['iam:PassRole'], [this.workerRole.roleArn], { conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } });
      return fn;
    };

    this.functions = {
      'check-quota': counterFn('CheckQuota', 'check-quota', ['dynamodb:GetItem'], quota),
      'reserve-quota': counterFn('ReserveQuota', 'reserve-quota', ['dynamodb:UpdateItem'], quota),
      'release-quota': counterFn('ReleaseQuota', 'release-quota', ['dynamodb:UpdateItem']),
      'increment-counter': counterFn('IncrementCounter', 'increment-counter', ['dynamodb:UpdateItem']),
      'handle-error': new BatonFunction(this, 'HandleError', {
        ...defaults,
        handler: 'handle-error',
        timeout: Duration.seconds(30),
        environment: { DYNAMODB_JOBS_TABLE: this.jobsTable.tableName, ERROR_NOTIFICATION_TOPIC_ARN: this.errorTopic.topicArn },
      })
        .allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [this.jobsTable.tableArn])
        .allow(['sns:Publish'], [this.errorTopic.topicArn]),
      cleanup: new BatonFunction(this, 'Cleanup', {
        ...defaults,
        handler: 'cleanup',
        // Lists and deletes page by page (1,000 keys a call): minutes for a very large run.
        timeout: Duration.minutes(5),
        environment: { ARTIFACTS_BUCKET: props.artifactsBucket.bucketName },
      }),
      'start-renderer': launcher('StartRenderer', 'start-renderer', props.renderer),
      'start-uploader': launcher('StartUploader', 'start-uploader', props.uploader),
    };
    this.functions.cleanup
      .allow(['s3:ListBucket'], [props.artifactsBucket.bucketArn], { conditions: { StringLike: { 's3:prefix': ['runs/*'] } } })
      .allow(['s3:DeleteObject'], [props.artifactsBucket.arnForObjects('runs/*')], {
        wildcardReason: 'Cleanup deletes whatever a run left under runs/{job_id}/; job ids are per execution.',
      });

    const functions: Record<string, IFunction> = {
      ...Object.fromEntries(HELPERS.map((h) => [functionPlaceholder(h), this.functions[h].function])),
      FetcherFunctionArn: props.fetcher,
      ScriptGenFunctionArn: props.scriptGenerator,
      TtsGenFunctionArn: props.ttsGenerator,
      ...props.extraFunctions,
    };
    this.pipeline = new AslStateMachine(this, 'StateMachine', {
      definitionFile: props.definitionFile ?? join(REPO_ROOT, 'pipelines/manga-pipeline.asl.json'),
      functions,
      description: 'Baton manga pipeline (seed 003)',
      ...(defaults.logRetention ? { logRetention: defaults.logRetention } : {}),
    });
    const machine = this.pipeline.stateMachine;
    this.workerRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
        resources: [machine.stateMachineArn],
      }),
    );
    props.callbacks.grantResume(machine);
    props.callbacks.stopWorkOf(machine);

    const stack = Stack.of(this);
    this.workerSweeper = new BatonFunction(this, 'WorkerSweeper', {
      ...defaults,
      handler: 'worker-sweeper',
      timeout: Duration.minutes(2),
      // The renderer's TimeoutSeconds (7200) plus an hour: no task waits for a worker longer.
      environment: { WORKER_MAX_AGE_SECONDS: String(props.workerMaxAge?.toSeconds() ?? 10_800) },
    })
      .allow(['ec2:DescribeInstances'], ['*'], { wildcardReason: 'EC2 Describe actions have no resource-level permissions.' })
      .allow(['ec2:TerminateInstances'], [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })], {
        conditions: { StringLike: { [`aws:ResourceTag/${ROLE_TAG}`]: '*' } },
        wildcardReason: `Only instances Baton launched (tagged ${ROLE_TAG}); their ids are found by tag at run time.`,
      })
      .allow(
        ['states:DescribeExecution'],
        [stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${machine.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        { wildcardReason: 'Executions of this pipeline, named at run time by the instances\' baton:execution-arn tags.' },
      );
    new Rule(this, 'WorkerSweep', {
      description: 'Terminate Spot workers whose execution ended or that outlived every task',
      schedule: Schedule.rate(Duration.minutes(10)),
      targets: [new LambdaTarget(this.workerSweeper.function, { retryAttempts: 0 })],
    });

    new Rule(this, 'Schedule', {
      description: 'Start the manga pipeline (the daily quota decides whether it makes a video)',
      schedule: props.schedule ?? Schedule.rate(Duration.hours(1)),
      targets: [new SfnStateMachine(machine)],
    });
  }

  get functionList(): BatonFunction[] {
    return [...Object.values(this.functions), this.workerSweeper];
  }
}
