import * as v from 'valibot';
import { callbackIndexShards, httpUrl, logLevel, optionalString, positiveInt, requiredString } from '../config/readConfig.js';
import { awsCallbacksModule } from '../container/awsCallbacksModule.js';
import { awsGpuJobsModule } from '../container/awsGpuJobsModule.js';
import { Callbacks, callbackUseCasesModule } from '../container/callbacksModule.js';
import { runPodReconcileHandler } from '../handlers/runPodReconcile.js';
import { defineLambda } from '../runtime/defineLambda.js';

/**
 * EventBridge schedule (e.g. `rate(5 minutes)`): recover finished RunPod jobs whose webhook was
 * lost, heartbeat running ones, cancel the jobs of tasks that are gone.
 */
export const handler = defineLambda({
  name: 'runpod-reconcile',
  config: v.pipe(
    v.object({
      CALLBACK_TABLE_NAME: requiredString,
      CALLBACK_INDEX_SHARDS: callbackIndexShards,
      // `/status/{id}` and `/cancel/{id}` are read beside it, so it must be the `/run` URL.
      RUNPOD_ENDPOINT_URL: v.pipe(httpUrl, v.regex(/\/run$/, 'must be the endpoint\'s /run URL (https://api.runpod.ai/v2/{id}/run)')),
      RUNPOD_API_KEY: optionalString,
      RUNPOD_API_KEY_SECRET_ID: optionalString,
      RECONCILE_AFTER_SECONDS: v.optional(positiveInt, '300'),
      LOG_LEVEL: logLevel,
    }),
    v.forward(
      v.partialCheck(
        [['RUNPOD_API_KEY'], ['RUNPOD_API_KEY_SECRET_ID']],
        (env) => (env.RUNPOD_API_KEY === undefined) !== (env.RUNPOD_API_KEY_SECRET_ID === undefined),
        'or RUNPOD_API_KEY_SECRET_ID: set exactly one',
      ),
      ['RUNPOD_API_KEY'],
    ),
  ),
  modules: (config) => [
    awsCallbacksModule({ callbackTableName: config.CALLBACK_TABLE_NAME, callbackIndexShards: config.CALLBACK_INDEX_SHARDS }),
    awsGpuJobsModule({
      endpointUrl: config.RUNPOD_ENDPOINT_URL,
      apiKey: config.RUNPOD_API_KEY,
      apiKeySecretId: config.RUNPOD_API_KEY_SECRET_ID,
    }),
    callbackUseCasesModule({
      // 50 status reads at once per page, 40 pages: 2,000 jobs per run, well inside a 5-minute schedule.
      reconcile: { reconcileAfterSeconds: config.RECONCILE_AFTER_SECONDS, pageSize: 50, maxPages: 40 },
    }),
  ],
  handler: (resolve) => runPodReconcileHandler(resolve(Callbacks.ReconcileRunPodJobs)),
});
