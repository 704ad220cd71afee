import * as v from 'valibot';
import { logLevel, readConfig, requiredString } from '../config/readConfig.js';
import { awsDispatchTableModule, Dispatch, ecsTaskStateModule } from '../container/dispatchModule.js';
import { awsJobsModule, jobUseCasesModule } from '../container/jobsModule.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { ecsTaskStateHandler } from '../handlers/ecsTaskState.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';

const config = readConfig('ecs-task-state', process.env, v.object({ DDB_TABLE: requiredString, LOG_LEVEL: logLevel }));
const platform = lambdaPlatform('ecs-task-state', config.LOG_LEVEL);
const container = newContainer();
container.load(
  systemPlatformModule(platform),
  awsDispatchTableModule({ tableName: config.DDB_TABLE }),
  awsJobsModule({ jobsTableName: config.DDB_TABLE }),
  jobUseCasesModule(),
  ecsTaskStateModule(),
);

/** EventBridge rule on ECS Task State Change (STOPPED): a dispatch job ends `completed` or `failed`. */
export const handler = platform.wrap(ecsTaskStateHandler(container.get(Dispatch.RecordTaskStopped), platform.log));
