import * as v from 'valibot';
import { logLevel, requiredString } from '../config/readConfig.js';
import { awsQuotaModule } from '../container/awsQuotaModule.js';
import { Quota, quotaUseCasesModule } from '../container/quotaModule.js';
import { incrementCounterHandler } from '../handlers/incrementCounter.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** Step Functions task: `{ job_id }` → `{ daily_count, date, job_id }`; a job counts once per UTC day. */
export const handler = defineLambda({
  name: 'increment-counter',
  config: v.object({ DYNAMODB_COUNTER_TABLE: requiredString, LOG_LEVEL: logLevel }),
  modules: (config) => [awsQuotaModule({ counterTableName: config.DYNAMODB_COUNTER_TABLE }), quotaUseCasesModule()],
  handler: (resolve) => incrementCounterHandler(resolve(Quota.IncrementCounter)),
});
