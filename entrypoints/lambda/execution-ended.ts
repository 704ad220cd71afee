import * as v from 'valibot';
import { callbackIndexShards, httpUrl, logLevel, optionalString, requiredString } from '../config/readConfig.js';
import { awsCallbacksModule } from '../container/awsCallbacksModule.js';
import { awsGpuJobsModule } from '../container/awsGpuJobsModule.js';
import { awsWorkerInstancesModule, ExecutionWork, stopExecutionWorkModule } from '../container/executionsModule.js';
import { Platform } from '../container/platformModule.js';
import { executionEndedHandler } from '../handlers/executionEnded.js';
import { defineLambda } from '../runtime/defineLambda.js';

/**
 * EventBridge rule on "Step Functions Execution Status Change" (status ABORTED, TIMED_OUT,
 * FAILED): cancel the execution's RunPod jobs, abandon its mappings, terminate its Spot workers.
 */
export const handler = defineLambda({
  name: 'execution-ended',
  config: v.pipe(
    v.object({
      CALLBACK_TABLE_NAME: requiredString,
      CALLBACK_INDEX_SHARDS: callbackIndexShards,
      // Without RunPod settings the handler still abandons mappings and terminates instances.
      RUNPOD_ENDPOINT_URL: v.optional(v.pipe(httpUrl, v.regex(/\/run$/, "must be the endpoint's /run URL (https://api.runpod.ai/v2/{id}/run)"))),
      RUNPOD_API_KEY: optionalString,
      RUNPOD_API_KEY_SECRET_ID: optionalString,
      LOG_LEVEL: logLevel,
    }),
    v.forward(
      v.partialCheck(
        [['RUNPOD_ENDPOINT_URL'], ['RUNPOD_API_KEY'], ['RUNPOD_API_KEY_SECRET_ID']],
        (env) =>
          env.RUNPOD_ENDPOINT_URL === undefined
            ? env.RUNPOD_API_KEY === undefined && env.RUNPOD_API_KEY_SECRET_ID === undefined
            : (env.RUNPOD_API_KEY === undefined) !== (env.RUNPOD_API_KEY_SECRET_ID === undefined),
        'or RUNPOD_API_KEY_SECRET_ID: set exactly one, with RUNPOD_ENDPOINT_URL',
      ),
      ['RUNPOD_API_KEY'],
    ),
  ),
  modules: (config) => [
    awsCallbacksModule({ callbackTableName: config.CALLBACK_TABLE_NAME, callbackIndexShards: config.CALLBACK_INDEX_SHARDS }),
    awsWorkerInstancesModule(),
    ...(config.RUNPOD_ENDPOINT_URL === undefined
      ? []
      : [
          awsGpuJobsModule({
            endpointUrl: config.RUNPOD_ENDPOINT_URL,
            apiKey: config.RUNPOD_API_KEY,
            apiKeySecretId: config.RUNPOD_API_KEY_SECRET_ID,
          }),
        ]),
    stopExecutionWorkModule({ withRunPod: config.RUNPOD_ENDPOINT_URL !== undefined }),
  ],
  handler: (resolve) => executionEndedHandler(resolve(ExecutionWork.StopExecutionWork), resolve(Platform.Log)),
});
