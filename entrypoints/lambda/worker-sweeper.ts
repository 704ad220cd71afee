import * as v from 'valibot';
import { logLevel, positiveInt } from '../config/readConfig.js';
import { awsExecutionsModule, awsWorkerInstancesModule, ExecutionWork, sweepWorkerInstancesModule } from '../container/executionsModule.js';
import { workerSweeperHandler } from '../handlers/workerSweeper.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** EventBridge schedule (e.g. `rate(10 minutes)`): terminate Spot workers whose execution ended or that outlived every task. */
export const handler = defineLambda({
  name: 'worker-sweeper',
  config: v.object({
    // The longest TimeoutSeconds of a state that waits for a worker (7200 for the renderer), plus a margin.
    WORKER_MAX_AGE_SECONDS: v.optional(positiveInt, '10800'),
    LOG_LEVEL: logLevel,
  }),
  modules: (config) => [
    awsWorkerInstancesModule(),
    awsExecutionsModule(),
    sweepWorkerInstancesModule({ maxAgeSeconds: config.WORKER_MAX_AGE_SECONDS }),
  ],
  handler: (resolve) => workerSweeperHandler(resolve(ExecutionWork.SweepWorkerInstances)),
});
