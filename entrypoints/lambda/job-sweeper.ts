import * as v from 'valibot';
import { httpUrl, logLevel, positiveInt, requiredString } from '../config/readConfig.js';
import { awsJobQueueModule, awsJobsModule, JobApi, jobUseCasesModule } from '../container/jobsModule.js';
import { jobSweeperHandler } from '../handlers/jobSweeper.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** EventBridge schedule (e.g. every 5 minutes): jobs recorded but never queued are sent, or failed. */
export const handler = defineLambda({
  name: 'job-sweeper',
  config: v.object({
    DYNAMODB_JOBS_TABLE: requiredString,
    SQS_JOB_QUEUE_URL: httpUrl,
    /** The output bucket messages name, as submit-job's do. */
    S3_BUCKET_NAME: requiredString,
    SWEEP_AFTER_SECONDS: v.optional(positiveInt, '120'),
    GIVE_UP_AFTER_SECONDS: v.optional(positiveInt, '3600'),
    LOG_LEVEL: logLevel,
  }),
  modules: (config) => [
    awsJobsModule({ jobsTableName: config.DYNAMODB_JOBS_TABLE }),
    awsJobQueueModule({ queueUrl: config.SQS_JOB_QUEUE_URL, outputBucket: config.S3_BUCKET_NAME }),
    jobUseCasesModule({
      sweep: { afterSeconds: config.SWEEP_AFTER_SECONDS, giveUpAfterSeconds: config.GIVE_UP_AFTER_SECONDS, limit: 100 },
    }),
  ],
  handler: (resolve) => jobSweeperHandler(resolve(JobApi.SweepUnqueuedJobs)),
});
