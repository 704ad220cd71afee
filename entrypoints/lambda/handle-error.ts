import * as v from 'valibot';
import { logLevel, optionalString, readConfig, requiredString } from '../config/readConfig.js';
import { awsErrorNotificationsModule, awsJobsModule, JobApi, jobUseCasesModule } from '../container/jobsModule.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { handleErrorHandler } from '../handlers/handleError.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'handle-error',
  process.env,
  v.object({
    DYNAMODB_JOBS_TABLE: requiredString,
    ERROR_NOTIFICATION_TOPIC_ARN: v.pipe(
      optionalString,
      v.check((s) => s === undefined || /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/.test(s), 'must be an SNS topic ARN'),
    ),
    LOG_LEVEL: logLevel,
  }),
);
const platform = lambdaPlatform('handle-error', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsJobsModule({ jobsTableName: config.DYNAMODB_JOBS_TABLE }),
  jobUseCasesModule(),
);
if (config.ERROR_NOTIFICATION_TOPIC_ARN !== undefined) {
  container.load(awsErrorNotificationsModule({ topicArn: config.ERROR_NOTIFICATION_TOPIC_ARN }));
}

/** Step Functions Catch target (seed 003 §11): marks the job failed, logs, optionally alerts. */
export const handler = platform.wrap(handleErrorHandler(container.get(JobApi.HandlePipelineError)));
