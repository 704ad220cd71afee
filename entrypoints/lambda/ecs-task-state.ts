import * as v from 'valibot';
import { logLevel, requiredString } from '../config/readConfig.js';
import { awsDispatchTableModule, Dispatch, ecsTaskStateModule } from '../container/dispatchModule.js';
import { awsJobsModule, jobUseCasesModule } from '../container/jobsModule.js';
import { Platform } from '../container/platformModule.js';
import { ecsTaskStateHandler } from '../handlers/ecsTaskState.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** EventBridge rule on ECS Task State Change (STOPPED): a dispatch job ends `completed` or `failed`. */
export const handler = defineLambda({
  name: 'ecs-task-state',
  config: v.object({ DDB_TABLE: requiredString, LOG_LEVEL: logLevel }),
  modules: (config) => [
    awsDispatchTableModule({ tableName: config.DDB_TABLE }),
    awsJobsModule({ jobsTableName: config.DDB_TABLE }),
    jobUseCasesModule(),
    ecsTaskStateModule(),
  ],
  handler: (resolve) => ecsTaskStateHandler(resolve(Dispatch.RecordTaskStopped), resolve(Platform.Log)),
});
