import * as v from 'valibot';
import { logLevel, readConfig, requiredString } from '../config/readConfig.js';
import { awsCleanupModule } from '../container/awsCleanupModule.js';
import { Cleanup, cleanupUseCasesModule } from '../container/cleanupModule.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { cleanupHandler } from '../handlers/cleanup.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'cleanup',
  process.env,
  v.object({
    ARTIFACTS_BUCKET: requiredString,
    LOG_LEVEL: logLevel,
  }),
);
const platform = lambdaPlatform('cleanup', config.LOG_LEVEL);
const container = newContainer();
container.load(systemPlatformModule(platform), awsCleanupModule({ artifactsBucket: config.ARTIFACTS_BUCKET }), cleanupUseCasesModule());

/** Step Functions task: `{ job_id }` → `{ job_id, objects_deleted, bytes_freed }`, emptying `runs/{job_id}/`. */
export const handler = platform.wrap(cleanupHandler(container.get(Cleanup.CleanupArtifacts)));
