import * as v from 'valibot';
import { logLevel, requiredString } from '../config/readConfig.js';
import { awsJobsModule, JobApi, jobUseCasesModule } from '../container/jobsModule.js';
import { Platform } from '../container/platformModule.js';
import { updateJobStatusHandler } from '../handlers/updateJobStatus.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** SQS status reports from processors (seed 002's Job Status Manager), with partial batch failures. */
export const handler = defineLambda({
  name: 'update-job-status',
  config: v.object({ DYNAMODB_JOBS_TABLE: requiredString, LOG_LEVEL: logLevel }),
  modules: (config) => [awsJobsModule({ jobsTableName: config.DYNAMODB_JOBS_TABLE }), jobUseCasesModule()],
  handler: (resolve) => updateJobStatusHandler(resolve(JobApi.UpdateJobStatus), resolve(Platform.Log), resolve(Platform.Metrics)),
});
