import * as v from 'valibot';
import { logLevel, positiveInt, requiredString } from '../config/readConfig.js';
import { awsJobsModule, awsOutputUrlsModule, JobApi, jobUseCasesModule } from '../container/jobsModule.js';
import { Platform } from '../container/platformModule.js';
import { getJobStatusHandler } from '../handlers/getJobStatus.js';
import { API_GATEWAY_TIMEOUT_MS } from '../http/apiGateway.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** API Gateway `GET /jobs/{jobId}` (seed 002). */
export const handler = defineLambda({
  name: 'get-job-status',
  config: v.object({
    DYNAMODB_JOBS_TABLE: requiredString,
    S3_BUCKET_NAME: requiredString,
    /** How long output links live; SigV4 allows at most 7 days. */
    OUTPUT_URL_EXPIRES_SECONDS: v.optional(v.pipe(positiveInt, v.maxValue(604_800, 'must be at most 604800 (7 days)')), '3600'),
    LOG_LEVEL: logLevel,
  }),
  modules: (config) => [
    awsJobsModule({ jobsTableName: config.DYNAMODB_JOBS_TABLE }),
    awsOutputUrlsModule({ outputBucket: config.S3_BUCKET_NAME }),
    jobUseCasesModule({ outputUrlSeconds: config.OUTPUT_URL_EXPIRES_SECONDS }),
  ],
  handler: (resolve) => getJobStatusHandler(resolve(JobApi.GetJobStatus), resolve(Platform.Log)),
  budgetCapMs: API_GATEWAY_TIMEOUT_MS,
});
