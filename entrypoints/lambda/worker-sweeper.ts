import * as v from 'valibot';
import { logLevel, positiveInt, readConfig } from '../config/readConfig.js';
import { awsExecutionsModule, awsWorkerInstancesModule, ExecutionWork, sweepWorkerInstancesModule } from '../container/executionsModule.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { workerSweeperHandler } from '../handlers/workerSweeper.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig(
  'worker-sweeper',
  process.env,
  v.object({
    // The longest TimeoutSeconds of a state that waits for a worker (7200 for the renderer), plus a margin.
    WORKER_MAX_AGE_SECONDS: v.optional(positiveInt, '10800'),
    LOG_LEVEL: logLevel,
  }),
);
const platform = lambdaPlatform('worker-sweeper', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsWorkerInstancesModule(),
  awsExecutionsModule(),
  sweepWorkerInstancesModule({ maxAgeSeconds: config.WORKER_MAX_AGE_SECONDS }),
);

/** EventBridge schedule (e.g. `rate(10 minutes)`): terminate Spot workers whose execution ended or that outlived every task. */
export const handler = platform.wrap(workerSweeperHandler(container.get(ExecutionWork.SweepWorkerInstances)));
