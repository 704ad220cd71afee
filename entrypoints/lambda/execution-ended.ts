import * as v from 'valibot';
import { httpUrl, logLevel, optionalString, readConfig, requiredString, callbackIndexShards } from '../config/readConfig.js';
import { awsCallbacksModule } from '../container/awsCallbacksModule.js';
import { awsGpuJobsModule } from '../container/awsGpuJobsModule.js';
import { awsWorkerInstancesModule, ExecutionWork, stopExecutionWorkModule } from '../container/executionsModule.js';
import { newContainer } from '../container/newContainer.js';
import { Platform } from '../container/platformModule.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { executionEndedHandler } from '../handlers/executionEnded.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'execution-ended',
  process.env,
  v.pipe(
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
);
const platform = lambdaPlatform('execution-ended', config.LOG_LEVEL);
const container = newContainer();
const withRunPod = config.RUNPOD_ENDPOINT_URL !== undefined;
container.load(
  systemPlatformModule(platform),
  awsCallbacksModule({ callbackTableName: config.CALLBACK_TABLE_NAME, callbackIndexShards: config.CALLBACK_INDEX_SHARDS }),
  awsWorkerInstancesModule(),
  ...(withRunPod
    ? [
        awsGpuJobsModule({
          endpointUrl: config.RUNPOD_ENDPOINT_URL!,
          apiKey: config.RUNPOD_API_KEY,
          apiKeySecretId: config.RUNPOD_API_KEY_SECRET_ID,
        }),
      ]
    : []),
  stopExecutionWorkModule({ withRunPod }),
);

/**
 * EventBridge rule on "Step Functions Execution Status Change" (status ABORTED, TIMED_OUT,
 * FAILED): cancel the execution's RunPod jobs, abandon its mappings, terminate its Spot workers.
 */
export const handler = platform.wrap(executionEndedHandler(container.get(ExecutionWork.StopExecutionWork), container.get(Platform.Log)));
