import * as v from 'valibot';
import { logLevel, optionalString, requiredString } from '../config/readConfig.js';
import { awsErrorNotificationsModule, awsJobsModule, JobApi, jobUseCasesModule } from '../container/jobsModule.js';
import { handleErrorHandler } from '../handlers/handleError.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** Step Functions Catch target (seed 003 §11): marks the job failed, logs, optionally alerts. */
export const handler = defineLambda({
  name: 'handle-error',
  config: v.object({
    DYNAMODB_JOBS_TABLE: requiredString,
    ERROR_NOTIFICATION_TOPIC_ARN: v.pipe(
      optionalString,
      v.check((s) => s === undefined || /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/.test(s), 'must be an SNS topic ARN'),
    ),
    LOG_LEVEL: logLevel,
  }),
  modules: (config) => [
    awsJobsModule({ jobsTableName: config.DYNAMODB_JOBS_TABLE }),
    jobUseCasesModule(),
    ...(config.ERROR_NOTIFICATION_TOPIC_ARN === undefined ? [] : [awsErrorNotificationsModule({ topicArn: config.ERROR_NOTIFICATION_TOPIC_ARN })]),
  ],
  handler: (resolve) => handleErrorHandler(resolve(JobApi.HandlePipelineError)),
});
