import * as v from 'valibot';
import { readConfig, logLevel, positiveInt, requiredString } from '../config/readConfig.js';
import { awsCallbacksModule } from '../container/awsCallbacksModule.js';
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
    REDRIVE_AFTER_SECONDS: v.optional(positiveInt, '60'),
    LOG_LEVEL: logLevel,
  }),
);
const platform = lambdaPlatform('callback-redrive', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsCallbacksModule({ callbackTableName: config.CALLBACK_TABLE_NAME }),
  callbackUseCasesModule({
    redrive: {
      redriveAfterSeconds: config.REDRIVE_AFTER_SECONDS,
      // Longer than one SendTask call with the SDK's retries; shorter than the schedule.
      leaseSeconds: 30,
      pageSize: 100,
      maxPages: 20,
    },
  }),
);

/** EventBridge schedule (e.g. every minute): resume accepted outcomes Step Functions has not taken yet. */
export const handler = platform.wrap(callbackRedriveHandler(container.get(Callbacks.RedriveCallbacks)));
