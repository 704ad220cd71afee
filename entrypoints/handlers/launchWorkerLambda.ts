import type { WorkerRole } from '../../domain/launch/WorkerRole.js';
import { awsCallbacksModule } from '../container/awsCallbacksModule.js';
import { awsSpotModule, Launch, launchWorkerModule } from '../container/launchModule.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { lambdaPlatform } from '../runtime/lambdaPlatform.js';
import { launchWorkerHandler } from './launchWorker.js';
import { readLaunchWorkerConfig } from './launchWorkerConfig.js';

/**
 * The whole cold start of `start-renderer` / `start-uploader`: configuration (one error naming
 * every bad variable), container, handler. The two bundle entries differ only by role.
 */
export function launchWorkerLambda(role: WorkerRole, env: Record<string, string | undefined>) {
  const config = readLaunchWorkerConfig(role, env);
  const platform = lambdaPlatform(`start-${role}`, config.logLevel);
  const container = newContainer();
  container.load(
    systemPlatformModule(platform),
    awsSpotModule(),
    ...(config.callbackTableName === undefined ? [] : [awsCallbacksModule({ callbackTableName: config.callbackTableName, callbackIndexShards: config.callbackIndexShards })]),
    launchWorkerModule(config.settings, config.callbackTableName),
  );
  return platform.wrap(launchWorkerHandler(container.get(Launch.LaunchWorker)));
}
