import type { WorkerRole } from '../../domain/launch/WorkerRole.js';
import { awsCallbacksModule } from '../container/awsCallbacksModule.js';
import { awsSpotModule, Launch, launchWorkerModule } from '../container/launchModule.js';
import { defineLambda, type Environment } from '../runtime/defineLambda.js';
import { launchWorkerHandler } from './launchWorker.js';
import { readLaunchWorkerConfig } from './launchWorkerConfig.js';

/**
 * The whole cold start of `start-renderer` / `start-uploader`: configuration (one error naming
 * every bad variable), container, handler. The two bundle entries differ only by role.
 */
export function launchWorkerLambda(role: WorkerRole, env: Environment) {
  return defineLambda({
    name: `start-${role}`,
    env,
    config: (env) => readLaunchWorkerConfig(role, env),
    modules: (config) => [
      awsSpotModule(),
      ...(config.callbackTableName === undefined
        ? []
        : [awsCallbacksModule({ callbackTableName: config.callbackTableName, callbackIndexShards: config.callbackIndexShards })]),
      launchWorkerModule(config.settings, config.callbackTableName),
    ],
    handler: (resolve) => launchWorkerHandler(resolve(Launch.LaunchWorker)),
  });
}
