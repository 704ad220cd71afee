import * as v from 'valibot';
import { httpUrl, logLevel, readConfig, requiredString } from '../config/readConfig.js';
import { awsJobQueueModule, awsJobsModule, JobApi, jobUseCasesModule } from '../container/jobsModule.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { submitJobHandler } from '../handlers/submitJob.js';
import { API_GATEWAY_TIMEOUT_MS } from '../http/apiGateway.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'submit-job',
  process.env,
  v.object({
    DYNAMODB_JOBS_TABLE: requiredString,
    SQS_JOB_QUEUE_URL: httpUrl,
    S3_BUCKET_NAME: requiredString,
    LOG_LEVEL: logLevel,
  }),
);
const platform = lambdaPlatform('submit-job', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsJobsModule({ jobsTableName: config.DYNAMODB_JOBS_TABLE }),
  awsJobQueueModule({ queueUrl: config.SQS_JOB_QUEUE_URL, outputBucket: config.S3_BUCKET_NAME }),
  jobUseCasesModule(),
);

/** API Gateway `POST /jobs` (seed 002). */
export const handler = platform.wrap(submitJobHandler(container.get(JobApi.SubmitJob), platform.log), {
  budgetCapMs: API_GATEWAY_TIMEOUT_MS,
});
