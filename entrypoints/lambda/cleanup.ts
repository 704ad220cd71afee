import * as v from 'valibot';
import { logLevel, requiredString } from '../config/readConfig.js';
import { awsCleanupModule } from '../container/awsCleanupModule.js';
import { Cleanup, cleanupUseCasesModule } from '../container/cleanupModule.js';
import { cleanupHandler } from '../handlers/cleanup.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** Step Functions task: `{ job_id }` → `{ job_id, objects_deleted, bytes_freed }`, emptying `runs/{job_id}/`. */
export const handler = defineLambda({
  name: 'cleanup',
  config: v.object({ ARTIFACTS_BUCKET: requiredString, LOG_LEVEL: logLevel }),
  modules: (config) => [awsCleanupModule({ artifactsBucket: config.ARTIFACTS_BUCKET }), cleanupUseCasesModule()],
  handler: (resolve) => cleanupHandler(resolve(Cleanup.CleanupArtifacts)),
});
