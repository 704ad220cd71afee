import * as v from 'valibot';
import { logLevel, requiredString } from '../config/readConfig.js';
import { awsQuotaModule } from '../container/awsQuotaModule.js';
import { Quota, quotaUseCasesModule } from '../container/quotaModule.js';
import { releaseQuotaHandler } from '../handlers/releaseQuota.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** Step Functions task: `{ job_id, date }` → `{ released, daily_count, date, job_id }`; gives back a reserved slot. */
export const handler = defineLambda({
  name: 'release-quota',
  config: v.object({ DYNAMODB_COUNTER_TABLE: requiredString, LOG_LEVEL: logLevel }),
  modules: (config) => [awsQuotaModule({ counterTableName: config.DYNAMODB_COUNTER_TABLE }), quotaUseCasesModule()],
  handler: (resolve) => releaseQuotaHandler(resolve(Quota.ReleaseQuota)),
});
