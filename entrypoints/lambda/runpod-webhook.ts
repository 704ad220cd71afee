import * as v from 'valibot';
import { callbackIndexShards, logLevel, requiredString } from '../config/readConfig.js';
import { awsCallbacksModule } from '../container/awsCallbacksModule.js';
import { Callbacks, callbackUseCasesModule } from '../container/callbacksModule.js';
import { Platform } from '../container/platformModule.js';
import { runPodWebhookHandler } from '../handlers/runPodWebhook.js';
import { API_GATEWAY_TIMEOUT_MS } from '../http/apiGateway.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** API Gateway `POST /webhook/{callback_token}` (seed 001). */
export const handler = defineLambda({
  name: 'runpod-webhook',
  config: v.object({ CALLBACK_TABLE_NAME: requiredString, CALLBACK_INDEX_SHARDS: callbackIndexShards, LOG_LEVEL: logLevel }),
  modules: (config) => [awsCallbacksModule({ callbackTableName: config.CALLBACK_TABLE_NAME, callbackIndexShards: config.CALLBACK_INDEX_SHARDS }), callbackUseCasesModule()],
  handler: (resolve) => runPodWebhookHandler(resolve(Callbacks.HandleRunPodWebhook), resolve(Platform.Log)),
  budgetCapMs: API_GATEWAY_TIMEOUT_MS,
});
