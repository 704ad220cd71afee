import * as v from 'valibot';
import { httpUrl, logLevel, requiredString } from '../config/readConfig.js';
import { awsJobQueueModule, awsJobsModule, JobApi, jobUseCasesModule } from '../container/jobsModule.js';
import { Platform } from '../container/platformModule.js';
import { submitJobHandler } from '../handlers/submitJob.js';
import { API_GATEWAY_TIMEOUT_MS } from '../http/apiGateway.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** API Gateway `POST /jobs` (seed 002). */
export const handler = defineLambda({
  name: 'submit-job',
  config: v.object({
    DYNAMODB_JOBS_TABLE: requiredString,
    SQS_JOB_QUEUE_URL: httpUrl,
    S3_BUCKET_NAME: requiredString,
    LOG_LEVEL: logLevel,
  }),
  modules: (config) => [
    awsJobsModule({ jobsTableName: config.DYNAMODB_JOBS_TABLE }),
    awsJobQueueModule({ queueUrl: config.SQS_JOB_QUEUE_URL, outputBucket: config.S3_BUCKET_NAME }),
    jobUseCasesModule(),
  ],
  handler: (resolve) => submitJobHandler(resolve(JobApi.SubmitJob), resolve(Platform.Log)),
  budgetCapMs: API_GATEWAY_TIMEOUT_MS,
});
