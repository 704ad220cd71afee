import * as v from 'valibot';
import { httpUrl, logLevel, positiveInt, readConfig, requiredString } from '../config/readConfig.js';
import { awsJobQueueModule, awsJobsModule, JobApi, jobUseCasesModule } from '../container/jobsModule.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { jobSweeperHandler } from '../handlers/jobSweeper.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'job-sweeper',
  process.env,
  v.object({
    DYNAMODB_JOBS_TABLE: requiredString,
    SQS_JOB_QUEUE_URL: httpUrl,
    /** The output bucket messages name, as submit-job's do. */
    S3_BUCKET_NAME: requiredString,
    SWEEP_AFTER_SECONDS: v.optional(positiveInt, '120'),
    GIVE_UP_AFTER_SECONDS: v.optional(positiveInt, '3600'),
    LOG_LEVEL: logLevel,
  }),
);
const platform = lambdaPlatform('job-sweeper', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsJobsModule({ jobsTableName: config.DYNAMODB_JOBS_TABLE }),
  awsJobQueueModule({ queueUrl: config.SQS_JOB_QUEUE_URL, outputBucket: config.S3_BUCKET_NAME }),
  jobUseCasesModule({
    sweep: { afterSeconds: config.SWEEP_AFTER_SECONDS, giveUpAfterSeconds: config.GIVE_UP_AFTER_SECONDS, limit: 100 },
  }),
);

/** EventBridge schedule (e.g. every 5 minutes): jobs recorded but never queued are sent, or failed. */
export const handler = platform.wrap(jobSweeperHandler(container.get(JobApi.SweepUnqueuedJobs)));
