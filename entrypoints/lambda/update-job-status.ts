import * as v from 'valibot';
import { logLevel, readConfig, requiredString } from '../config/readConfig.js';
import { awsJobsModule, JobApi, jobUseCasesModule } from '../container/jobsModule.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { updateJobStatusHandler } from '../handlers/updateJobStatus.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'update-job-status',
  process.env,
  v.object({ DYNAMODB_JOBS_TABLE: requiredString, LOG_LEVEL: logLevel }),
);
const platform = lambdaPlatform('update-job-status', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsJobsModule({ jobsTableName: config.DYNAMODB_JOBS_TABLE }),
  jobUseCasesModule(),
);

/** SQS status reports from processors (seed 002's Job Status Manager), with partial batch failures. */
export const handler = platform.wrap(
  updateJobStatusHandler(container.get(JobApi.UpdateJobStatus), platform.log, platform.metrics),
);
