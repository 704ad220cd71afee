import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { DynamoDbJobs } from '../../adapters/dynamodb/DynamoDbJobs.js';
import { S3OutputUrls } from '../../adapters/s3/S3OutputUrls.js';
import { SnsErrorNotifications } from '../../adapters/sns/SnsErrorNotifications.js';
import { SqsJobQueue } from '../../adapters/sqs/SqsJobQueue.js';
import { GetJobStatus } from '../../application/jobs/GetJobStatus.js';
import { SubmitJob } from '../../application/jobs/SubmitJob.js';
import { SweepUnqueuedJobs, type UnqueuedSweepSettings } from '../../application/jobs/SweepUnqueuedJobs.js';
import { UpdateJobStatus } from '../../application/jobs/UpdateJobStatus.js';
import { HandlePipelineError } from '../../application/pipeline/HandlePipelineError.js';
import type { ErrorNotifications } from '../../application/ports/ErrorNotifications.js';
import type { JobQueue } from '../../application/ports/JobQueue.js';
import type { Jobs } from '../../application/ports/Jobs.js';
import type { OutputUrls } from '../../application/ports/OutputUrls.js';
import { dynamoDbClient } from '../aws/dynamoDbClient.js';
import { s3Client } from '../aws/s3Client.js';
import { snsClient } from '../aws/snsClient.js';
import { sqsClient } from '../aws/sqsClient.js';
import { byName, optional } from './byName.js';
import { Platform } from './platformModule.js';

/** Service identifiers of the job API (seed 002) and the pipeline's handle-error (seed 003). */
export const JobApi = {
  Jobs: Symbol.for('baton.Jobs') as ServiceIdentifier<Jobs>,
  Queue: Symbol.for('baton.JobQueue') as ServiceIdentifier<JobQueue>,
  OutputUrls: Symbol.for('baton.OutputUrls') as ServiceIdentifier<OutputUrls>,
  ErrorNotifications: Symbol.for('baton.ErrorNotifications') as ServiceIdentifier<ErrorNotifications>,
  SubmitJob: Symbol.for('baton.SubmitJob') as ServiceIdentifier<SubmitJob>,
  GetJobStatus: Symbol.for('baton.GetJobStatus') as ServiceIdentifier<GetJobStatus>,
  UpdateJobStatus: Symbol.for('baton.UpdateJobStatus') as ServiceIdentifier<UpdateJobStatus>,
  HandlePipelineError: Symbol.for('baton.HandlePipelineError') as ServiceIdentifier<HandlePipelineError>,
  SweepUnqueuedJobs: Symbol.for('baton.SweepUnqueuedJobs') as ServiceIdentifier<SweepUnqueuedJobs>,
} as const;

export interface JobUseCaseSettings {
  /** How long GetJobStatus's output links live (default 3600 s). */
  readonly outputUrlSeconds?: number;
  /** The job-sweeper's thresholds (defaults: 120 s, give up after 3600 s, 100 jobs a run). */
  readonly sweep?: UnqueuedSweepSettings;
}

/**
 * The use-cases, resolved from whatever adapters another module bound to the ports. Each is
 * resolved only when asked for, so a handler needs only the ports of the use-case it runs.
 * ErrorNotifications is optional: without it, handle-error alerts nobody.
 */
export function jobUseCasesModule(settings: JobUseCaseSettings = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const jobs = JobApi.Jobs;
    const { Clock: clock, Ids: ids, Log: log, Metrics: metrics } = Platform;
    bind(JobApi.UpdateJobStatus).toResolvedValue(
      ...byName({ jobs, clock, log, metrics }, (deps) => new UpdateJobStatus(deps)),
    );
    bind(JobApi.SubmitJob).toResolvedValue(
      ...byName({ jobs, queue: JobApi.Queue, ids, clock, log, metrics }, (deps) => new SubmitJob(deps)),
    );
    bind(JobApi.SweepUnqueuedJobs).toResolvedValue(
      ...byName({ jobs, queue: JobApi.Queue, clock, log, metrics }, (deps) => new SweepUnqueuedJobs(deps, settings.sweep)),
    );
    bind(JobApi.GetJobStatus).toResolvedValue(
      ...byName({ jobs, outputUrls: JobApi.OutputUrls, clock }, (deps) =>
        new GetJobStatus(deps, settings.outputUrlSeconds === undefined ? undefined : { urlSeconds: settings.outputUrlSeconds }),
      ),
    );
    bind(JobApi.HandlePipelineError).toResolvedValue(
      ...byName(
        {
          jobs,
          updateJobStatus: JobApi.UpdateJobStatus,
          errorNotifications: optional(JobApi.ErrorNotifications),
          clock,
          log,
          metrics,
        },
        (deps) => new HandlePipelineError(deps),
      ),
    );
  });
}

export interface JobPorts {
  readonly jobs: Jobs;
  readonly queue?: JobQueue;
  readonly outputUrls?: OutputUrls;
  readonly errorNotifications?: ErrorNotifications;
}

/** Binds the ports to ready instances: in-memory ones for tests, the simulation and the dev server. */
export function jobPortsModule(ports: JobPorts): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(JobApi.Jobs).toConstantValue(ports.jobs);
    if (ports.queue) bind(JobApi.Queue).toConstantValue(ports.queue);
    if (ports.outputUrls) bind(JobApi.OutputUrls).toConstantValue(ports.outputUrls);
    if (ports.errorNotifications) bind(JobApi.ErrorNotifications).toConstantValue(ports.errorNotifications);
  });
}

/**
 * The jobs table in DynamoDB. The queue, output links and alerts are separate modules, so a
 * handler's bundle carries only the AWS clients it uses.
 */
export function awsJobsModule(config: { readonly jobsTableName: string }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(JobApi.Jobs).toResolvedValue(() => new DynamoDbJobs(dynamoDbClient(), config.jobsTableName));
  });
}

/** SQS for the job queue; each message names the output bucket when one is given. */
export function awsJobQueueModule(config: { readonly queueUrl: string; readonly outputBucket?: string }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(JobApi.Queue).toResolvedValue(() => new SqsJobQueue(sqsClient(), config.queueUrl, config.outputBucket));
  });
}

/** S3 presigned GET links into the output bucket. */
export function awsOutputUrlsModule(config: { readonly outputBucket: string }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(JobApi.OutputUrls).toResolvedValue(() => new S3OutputUrls(s3Client(), config.outputBucket));
  });
}

/** SNS alerts for pipeline errors. */
export function awsErrorNotificationsModule(config: { readonly topicArn: string }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(JobApi.ErrorNotifications).toResolvedValue(() => new SnsErrorNotifications(snsClient(), config.topicArn));
  });
}
