import * as v from 'valibot';
import { logLevel, readConfig, requiredString } from '../config/readConfig.js';
import { awsQuotaModule } from '../container/awsQuotaModule.js';
import { newContainer } from '../container/newContainer.js';
import { Quota, quotaUseCasesModule } from '../container/quotaModule.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { releaseQuotaHandler } from '../handlers/releaseQuota.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'release-quota',
  process.env,
  v.object({
    DYNAMODB_COUNTER_TABLE: requiredString,
    LOG_LEVEL: logLevel,
  }),
);
const platform = lambdaPlatform('release-quota', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsQuotaModule({ counterTableName: config.DYNAMODB_COUNTER_TABLE }),
  quotaUseCasesModule(),
);

/** Step Functions task: `{ job_id, date }` → `{ released, daily_count, date, job_id }`; gives back a reserved slot. */
export const handler = platform.wrap(releaseQuotaHandler(container.get(Quota.ReleaseQuota)));
