/**
 * The example app: Baton's four systems in one stack, on one artifacts bucket, with one
 * dashboard. `npm run synth` (repo root) writes its template to cdk.out/; `npm run cdk -- deploy`
 * deploys it. Everything account-specific is a context value (`-c name=value` or cdk.json),
 * so synth needs no AWS account and makes no lookups.
 */
import { existsSync } from 'node:fs';
import { App, CfnOutput, RemovalPolicy, Stack, Validations, type AppProps, type StackProps } from 'aws-cdk-lib';
import { Cluster, FargateTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { Role } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { BatonOperations } from '../lib/BatonOperations.js';
import { EcsDispatch } from '../lib/EcsDispatch.js';
import { JobApi } from '../lib/JobApi.js';
import { MangaPipeline } from '../lib/MangaPipeline.js';
import { RunPodCallbacks } from '../lib/RunPodCallbacks.js';
import { UPSCALE_PIPELINE_FILE, UpscalePipeline } from '../lib/UpscalePipeline.js';

/** Context values and their placeholders (fine for synth; give real ones to deploy). */
export const CONTEXT_DEFAULTS = {
  runpodEndpointUrl: 'https://api.runpod.ai/v2/your-endpoint-id/run',
  runpodApiKeySecretName: 'baton/runpod-api-key',
  fetcherFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:manga-fetcher',
  scriptGenFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:manga-scriptgen',
  ttsGenFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:manga-ttsgen',
  splitVideoFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:video-split',
  assembleVideoFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:video-assemble',
  workerAmiId: 'ami-0123456789abcdef0',
  workerSubnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
  workerSecurityGroupIds: 'sg-0123456789abcdef0',
  workerRepositoryUrl: 'https://github.com/your-org/manga-pipeline.git',
  ecsClusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/recorders',
  recorderTaskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/recorder:1',
  recorderTaskRoleArn: 'arn:aws:iam::123456789012:role/recorder-task',
  recorderExecutionRoleArn: 'arn:aws:iam::123456789012:role/recorder-execution',
  transmissionTaskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/transmission:1',
  transmissionTaskRoleArn: 'arn:aws:iam::123456789012:role/transmission-task',
  ecsSubnetIds: 'subnet-0123456789abcdef0',
  ecsSecurityGroupIds: 'sg-0123456789abcdef0',
} as const;

export type BatonContext = { -readonly [K in keyof typeof CONTEXT_DEFAULTS]: string };

function context(scope: Construct): BatonContext {
  return Object.fromEntries(
    Object.entries(CONTEXT_DEFAULTS).map(([key, fallback]) => [key, (scope.node.tryGetContext(key) as string | undefined) ?? fallback]),
  ) as BatonContext;
}

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** The whole system in one stack. */
export class BatonStack extends Stack {
  readonly callbacks: RunPodCallbacks;
  readonly jobs: JobApi;
  readonly manga: MangaPipeline;
  readonly dispatch: EcsDispatch;
  readonly upscale: UpscalePipeline | undefined;
  readonly operations: BatonOperations;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { description: 'Baton: RunPod callbacks, job API, manga pipeline, ECS dispatch', ...props });
    const c = context(this);

    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This is the access-log bucket itself; logging it would loop.' });
    const media = new Bucket(this, 'Media', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'media/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.callbacks = new RunPodCallbacks(this, 'Callbacks', {
      runPodEndpointUrl: c.runpodEndpointUrl,
      runPodApiKey: Secret.fromSecretNameV2(this, 'RunPodApiKey', c.runpodApiKeySecretName),
      bucket: media,
    });
    this.jobs = new JobApi(this, 'Jobs', { outputBucket: media });
    const placement = { amiId: c.workerAmiId, subnetIds: list(c.workerSubnetIds), securityGroupIds: list(c.workerSecurityGroupIds) };
    this.manga = new MangaPipeline(this, 'Manga', {
      callbacks: this.callbacks,
      jobsTable: this.jobs.table,
      artifactsBucket: media,
      fetcher: LambdaFunction.fromFunctionArn(this, 'Fetcher', c.fetcherFunctionArn),
      scriptGenerator: LambdaFunction.fromFunctionArn(this, 'ScriptGen', c.scriptGenFunctionArn),
      ttsGenerator: LambdaFunction.fromFunctionArn(this, 'TtsGen', c.ttsGenFunctionArn),
      renderer: placement,
      uploader: placement,
      workerEnvironment: { WORKER_REPOSITORY_URL: c.workerRepositoryUrl },
    });
    this.dispatch = new EcsDispatch(this, 'Dispatch', {
      cluster: Cluster.fromClusterArn(this, 'Cluster', c.ecsClusterArn),
      taskDefinition: FargateTaskDefinition.fromFargateTaskDefinitionAttributes(this, 'Recorder', {
        taskDefinitionArn: c.recorderTaskDefinitionArn,
        taskRole: Role.fromRoleArn(this, 'RecorderTaskRole', c.recorderTaskRoleArn, { mutable: false }),
        executionRole: Role.fromRoleArn(this, 'RecorderExecutionRole', c.recorderExecutionRoleArn, { mutable: false }),
      }),
      containerName: 'recorder',
      transmissionTaskDefinition: FargateTaskDefinition.fromFargateTaskDefinitionAttributes(this, 'Transmission', {
        taskDefinitionArn: c.transmissionTaskDefinitionArn,
        taskRole: Role.fromRoleArn(this, 'TransmissionTaskRole', c.transmissionTaskRoleArn, { mutable: false }),
      }),
      bucket: media,
      jobsTable: this.jobs.table,
      launchType: 'FARGATE',
      subnetIds: list(c.ecsSubnetIds),
      securityGroupIds: list(c.ecsSecurityGroupIds),
    });
    this.upscale = existsSync(UPSCALE_PIPELINE_FILE)
      ? new UpscalePipeline(this, 'Upscale', {
          callbacks: this.callbacks,
          handleError: this.manga.functions['handle-error'],
          userFunctions: {
            SplitVideoFunctionArn: LambdaFunction.fromFunctionArn(this, 'SplitVideo', c.splitVideoFunctionArn),
            AssembleVideoFunctionArn: LambdaFunction.fromFunctionArn(this, 'AssembleVideo', c.assembleVideoFunctionArn),
          },
        })
      : undefined;
    this.operations = new BatonOperations(this, 'Operations', {
      watch: [this.callbacks, this.jobs, this.manga, this.dispatch, ...(this.upscale ? [this.upscale] : [])],
    });

    new CfnOutput(this, 'WebhookBaseUrl', { value: this.callbacks.webhookBaseUrl, description: 'RunPod webhooks: <this>/<callback_token> (set for submit-runpod-job already)' });
    new CfnOutput(this, 'SubmitRunPodJobArn', { value: this.callbacks.submit.functionArn, description: 'Resource of your .waitForTaskToken task' });
    new CfnOutput(this, 'JobApiUrl', { value: this.jobs.api.apiEndpoint, description: 'POST /jobs, GET /jobs/{jobId} (IAM-signed)' });
    new CfnOutput(this, 'DispatchApiUrl', { value: this.dispatch.api.url, description: 'POST /jobs (IAM-signed)' });
    new CfnOutput(this, 'MangaStateMachineArn', { value: this.manga.pipeline.stateMachine.stateMachineArn });
  }
}

export interface BatonAppOptions extends AppProps {
  /** Run cdk-nag's AwsSolutions pack over the app. @default true */
  readonly nag?: boolean;
}

/** The example app; tests build it in-process, the CDK CLI through this file's main. */
export function batonApp(options: BatonAppOptions = {}): { app: App; stack: BatonStack } {
  const { nag = true, ...appProps } = options;
  const app = new App(appProps);
  const stack = new BatonStack(app, 'Baton');
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  batonApp().app.synth();
}
