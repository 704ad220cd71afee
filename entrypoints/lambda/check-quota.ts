import * as v from 'valibot';
import { logLevel, positiveInt, requiredString } from '../config/readConfig.js';
import { awsQuotaModule } from '../container/awsQuotaModule.js';
import { Quota, quotaUseCasesModule } from '../container/quotaModule.js';
import { checkQuotaHandler } from '../handlers/checkQuota.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** Step Functions task: `{}` → `{ quota_reached, daily_count, daily_quota }` for today (UTC). */
export const handler = defineLambda({
  name: 'check-quota',
  config: v.object({
    DYNAMODB_COUNTER_TABLE: requiredString,
    DAILY_QUOTA: v.optional(positiveInt, '10'),
    LOG_LEVEL: logLevel,
  }),
  modules: (config) => [
    awsQuotaModule({ counterTableName: config.DYNAMODB_COUNTER_TABLE }),
    quotaUseCasesModule({ dailyQuota: config.DAILY_QUOTA }),
  ],
  handler: (resolve) => checkQuotaHandler(resolve(Quota.CheckQuota)),
});
