import * as v from 'valibot';
import { logLevel, positiveInt, readConfig, requiredString } from '../config/readConfig.js';
import { awsQuotaModule } from '../container/awsQuotaModule.js';
import { newContainer } from '../container/newContainer.js';
import { Quota, quotaUseCasesModule } from '../container/quotaModule.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { reserveQuotaHandler } from '../handlers/reserveQuota.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'reserve-quota',
  process.env,
  v.object({
    DYNAMODB_COUNTER_TABLE: requiredString,
    DAILY_QUOTA: v.optional(positiveInt, '10'),
    LOG_LEVEL: logLevel,
  }),
);
const platform = lambdaPlatform('reserve-quota', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsQuotaModule({ counterTableName: config.DYNAMODB_COUNTER_TABLE }),
  quotaUseCasesModule({ dailyQuota: config.DAILY_QUOTA }),
);

/** Step Functions task: `{ job_id }` → `{ reserved, daily_count, daily_quota, date, job_id }`. */
export const handler = platform.wrap(reserveQuotaHandler(container.get(Quota.ReserveQuota)));
