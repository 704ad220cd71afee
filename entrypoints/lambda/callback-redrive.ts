import * as v from 'valibot';
import { readConfig, logLevel, positiveInt, requiredString, callbackIndexShards } from '../config/readConfig.js';
import { awsCallbacksModule } from '../container/awsCallbacksModule.js';
import { DEFAULT_REDRIVE_SETTINGS } from '../../application/callbacks/RedriveCallbacks.js';
import { Callbacks, callbackUseCasesModule } from '../container/callbacksModule.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { callbackRedriveHandler } from '../handlers/callbackRedrive.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'callback-redrive',
  process.env,
  v.object({
    CALLBACK_TABLE_NAME: requiredString,
    CALLBACK_INDEX_SHARDS: callbackIndexShards,
    REDRIVE_AFTER_SECONDS: v.optional(positiveInt, '60'),
    LOG_LEVEL: logLevel,
  }),
);
const platform = lambdaPlatform('callback-redrive', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsCallbacksModule({ callbackTableName: config.CALLBACK_TABLE_NAME, callbackIndexShards: config.CALLBACK_INDEX_SHARDS }),
  callbackUseCasesModule({
    redrive: { ...DEFAULT_REDRIVE_SETTINGS, redriveAfterSeconds: config.REDRIVE_AFTER_SECONDS },
  }),
);

/** EventBridge schedule (e.g. every minute): resume accepted outcomes Step Functions has not taken yet. */
export const handler = platform.wrap(callbackRedriveHandler(container.get(Callbacks.RedriveCallbacks)));
