import * as v from 'valibot';
import { logLevel, positiveInt, readConfig, requiredString } from '../config/readConfig.js';
import { awsJobsModule, awsOutputUrlsModule, JobApi, jobUseCasesModule } from '../container/jobsModule.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { getJobStatusHandler } from '../handlers/getJobStatus.js';
import { API_GATEWAY_TIMEOUT_MS } from '../http/apiGateway.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'get-job-status',
  process.env,
  v.object({
    DYNAMODB_JOBS_TABLE: requiredString,
    S3_BUCKET_NAME: requiredString,
    /** How long output links live; SigV4 allows at most 7 days. */
    OUTPUT_URL_EXPIRES_SECONDS: v.optional(v.pipe(positiveInt, v.maxValue(604_800, 'must be at most 604800 (7 days)')), '3600'),
    LOG_LEVEL: logLevel,
  }),
);
const platform = lambdaPlatform('get-job-status', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsJobsModule({ jobsTableName: config.DYNAMODB_JOBS_TABLE }),
  awsOutputUrlsModule({ outputBucket: config.S3_BUCKET_NAME }),
  jobUseCasesModule({ outputUrlSeconds: config.OUTPUT_URL_EXPIRES_SECONDS }),
);

/** API Gateway `GET /jobs/{jobId}` (seed 002). */
export const handler = platform.wrap(getJobStatusHandler(container.get(JobApi.GetJobStatus), platform.log), { budgetCapMs: API_GATEWAY_TIMEOUT_MS });
