import * as v from 'valibot';
import { logLevel, readConfig, requiredString } from '../config/readConfig.js';
import { awsQuotaModule } from '../container/awsQuotaModule.js';
import { newContainer } from '../container/newContainer.js';
import { Quota, quotaUseCasesModule } from '../container/quotaModule.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { incrementCounterHandler } from '../handlers/incrementCounter.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'increment-counter',
  process.env,
  v.object({
    DYNAMODB_COUNTER_TABLE: requiredString,
    LOG_LEVEL: logLevel,
  }),
);
const platform = lambdaPlatform('increment-counter', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsQuotaModule({ counterTableName: config.DYNAMODB_COUNTER_TABLE }),
  quotaUseCasesModule(),
);

/** Step Functions task: `{ job_id }` → `{ daily_count, date, job_id }`; a job counts once per UTC day. */
export const handler = platform.wrap(incrementCounterHandler(container.get(Quota.IncrementCounter)));
