import * as v from 'valibot';
import { callbackIndexShards, httpUrl, logLevel, optionalString, positiveInt, requiredString } from '../config/readConfig.js';
import { awsCallbacksModule } from '../container/awsCallbacksModule.js';
import { awsRunPodModule } from '../container/awsRunPodModule.js';
import { Callbacks, callbackUseCasesModule } from '../container/callbacksModule.js';
import { submitRunPodJobHandler } from '../handlers/submitRunPodJob.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** Step Functions task (`.waitForTaskToken`), seed 000. */
export const handler = defineLambda({
  name: 'submit-runpod-job',
  config: v.pipe(
    v.object({
      CALLBACK_TABLE_NAME: requiredString,
      CALLBACK_INDEX_SHARDS: callbackIndexShards,
      WEBHOOK_BASE_URL: httpUrl,
      RUNPOD_ENDPOINT_URL: httpUrl,
      RUNPOD_API_KEY: optionalString,
      RUNPOD_API_KEY_SECRET_ID: optionalString,
      PRESIGN_LAMBDA_ARN: optionalString,
      BUCKET_NAME: optionalString,
      PRESIGN_EXPIRES_SECS: v.optional(positiveInt, '21600'),
      RUNPOD_EXECUTION_TIMEOUT_MS: v.optional(positiveInt),
      RUNPOD_TTL_MS: v.optional(positiveInt),
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
    awsRunPodModule({
      endpointUrl: config.RUNPOD_ENDPOINT_URL,
      apiKey: config.RUNPOD_API_KEY,
      apiKeySecretId: config.RUNPOD_API_KEY_SECRET_ID,
      presignLambdaArn: config.PRESIGN_LAMBDA_ARN,
    }),
    callbackUseCasesModule({
      submit: {
        webhookBaseUrl: config.WEBHOOK_BASE_URL,
        defaultBucket: config.BUCKET_NAME,
        defaultPresignExpiresSecs: config.PRESIGN_EXPIRES_SECS,
        defaultPolicy: { executionTimeout: config.RUNPOD_EXECUTION_TIMEOUT_MS, ttl: config.RUNPOD_TTL_MS },
      },
    }),
  ],
  handler: (resolve) => submitRunPodJobHandler(resolve(Callbacks.SubmitRunPodJob)),
});
