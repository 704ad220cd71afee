import * as v from 'valibot';
import { DEFAULT_REDRIVE_SETTINGS } from '../../application/callbacks/RedriveCallbacks.js';
import { callbackIndexShards, logLevel, positiveInt, requiredString } from '../config/readConfig.js';
import { awsCallbacksModule } from '../container/awsCallbacksModule.js';
import { Callbacks, callbackUseCasesModule } from '../container/callbacksModule.js';
import { callbackRedriveHandler } from '../handlers/callbackRedrive.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** EventBridge schedule (e.g. every minute): resume accepted outcomes Step Functions has not taken yet. */
export const handler = defineLambda({
  name: 'callback-redrive',
  config: v.object({
    CALLBACK_TABLE_NAME: requiredString,
    CALLBACK_INDEX_SHARDS: callbackIndexShards,
    REDRIVE_AFTER_SECONDS: v.optional(positiveInt, '60'),
    LOG_LEVEL: logLevel,
  }),
  modules: (config) => [
    awsCallbacksModule({ callbackTableName: config.CALLBACK_TABLE_NAME, callbackIndexShards: config.CALLBACK_INDEX_SHARDS }),
    callbackUseCasesModule({ redrive: { ...DEFAULT_REDRIVE_SETTINGS, redriveAfterSeconds: config.REDRIVE_AFTER_SECONDS } }),
  ],
  handler: (resolve) => callbackRedriveHandler(resolve(Callbacks.RedriveCallbacks)),
});
