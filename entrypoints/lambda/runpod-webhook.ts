import * as v from 'valibot';
import { readConfig, logLevel, requiredString, callbackIndexShards } from '../config/readConfig.js';
import { awsCallbacksModule } from '../container/awsCallbacksModule.js';
import { Callbacks, callbackUseCasesModule } from '../container/callbacksModule.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { runPodWebhookHandler } from '../handlers/runPodWebhook.js';
import { API_GATEWAY_TIMEOUT_MS } from '../http/apiGateway.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'runpod-webhook',
  process.env,
  v.object({ CALLBACK_TABLE_NAME: requiredString, CALLBACK_INDEX_SHARDS: callbackIndexShards, LOG_LEVEL: logLevel }),
);
const platform = lambdaPlatform('runpod-webhook', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsCallbacksModule({ callbackTableName: config.CALLBACK_TABLE_NAME, callbackIndexShards: config.CALLBACK_INDEX_SHARDS }),
  callbackUseCasesModule(),
);

/** API Gateway `POST /webhook/{callback_token}` (seed 001). */
export const handler = platform.wrap(runPodWebhookHandler(container.get(Callbacks.HandleRunPodWebhook), platform.log), { budgetCapMs: API_GATEWAY_TIMEOUT_MS });
