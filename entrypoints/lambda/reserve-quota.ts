import * as v from 'valibot';
import { logLevel, positiveInt, requiredString } from '../config/readConfig.js';
import { awsQuotaModule } from '../container/awsQuotaModule.js';
import { Quota, quotaUseCasesModule } from '../container/quotaModule.js';
import { reserveQuotaHandler } from '../handlers/reserveQuota.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** Step Functions task: `{ job_id }` → `{ reserved, daily_count, daily_quota, date, job_id }`. */
export const handler = defineLambda({
  name: 'reserve-quota',
  config: v.object({
    DYNAMODB_COUNTER_TABLE: requiredString,
    DAILY_QUOTA: v.optional(positiveInt, '10'),
    LOG_LEVEL: logLevel,
  }),
  modules: (config) => [
    awsQuotaModule({ counterTableName: config.DYNAMODB_COUNTER_TABLE }),
    quotaUseCasesModule({ dailyQuota: config.DAILY_QUOTA }),
  ],
  handler: (resolve) => reserveQuotaHandler(resolve(Quota.ReserveQuota)),
});
