import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { DynamoDbDispatches } from '../../adapters/dynamodb/DynamoDbDispatches.js';
import { EcsContainerTasks, type EcsContainerTasksOptions } from '../../adapters/ecs/EcsContainerTasks.js';
import { DispatchToEcs } from '../../application/dispatch/DispatchToEcs.js';
import type { DispatchSettings } from '../../application/dispatch/DispatchSettings.js';
import { RecordTaskStopped } from '../../application/dispatch/RecordTaskStopped.js';
import type { ContainerTasks } from '../../application/ports/ContainerTasks.js';
import type { Dispatches } from '../../application/ports/Dispatches.js';
import { dynamoDbClient } from '../aws/dynamoDbClient.js';
import { ecsClient } from '../aws/ecsClient.js';
import { JobApi } from './jobsModule.js';
import { byName } from './byName.js';
import { Platform } from './platformModule.js';

/** Service identifiers of the ECS dispatch (seed 004). */
export const Dispatch = {
  Dispatches: Symbol.for('baton.Dispatches') as ServiceIdentifier<Dispatches>,
  ContainerTasks: Symbol.for('baton.ContainerTasks') as ServiceIdentifier<ContainerTasks>,
  DispatchToEcs: Symbol.for('baton.DispatchToEcs') as ServiceIdentifier<DispatchToEcs>,
  RecordTaskStopped: Symbol.for('baton.RecordTaskStopped') as ServiceIdentifier<RecordTaskStopped>,
} as const;

/**
 * `ecs-task-state`: stopped tasks settle their jobs. Needs `Dispatch.Dispatches` and the job
 * API's `UpdateJobStatus` (the same jobs table: a dispatch is a Job to it).
 */
export function ecsTaskStateModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Dispatch.RecordTaskStopped).toResolvedValue(
      ...byName(
        { dispatches: Dispatch.Dispatches, updateJobStatus: JobApi.UpdateJobStatus, log: Platform.Log, metrics: Platform.Metrics },
        (deps) => new RecordTaskStopped(deps),
      ),
    );
  });
}

/** Only the dispatch records (`DDB_TABLE`), for handlers that start no tasks. */
export function awsDispatchTableModule(config: { readonly tableName: string }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Dispatch.Dispatches).toResolvedValue(
      (log, metrics) => new DynamoDbDispatches(dynamoDbClient(), config.tableName, { log, metrics }),
      [Platform.Log, Platform.Metrics],
    );
  });
}

/** The use-case, resolved from whatever adapters another module bound to the ports. */
export function dispatchUseCasesModule(settings: DispatchSettings): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Dispatch.DispatchToEcs).toResolvedValue(
      ...byName(
        {
          dispatches: Dispatch.Dispatches,
          containerTasks: Dispatch.ContainerTasks,
          clock: Platform.Clock,
          log: Platform.Log,
          metrics: Platform.Metrics,
        },
        (deps) => new DispatchToEcs(deps, settings),
      ),
    );
  });
}

/** The jobs table in DynamoDB (`DDB_TABLE`) and ECS RunTask on `ECS_CLUSTER`. */
export function awsDispatchModule(config: {
  readonly tableName: string;
  readonly ecs: Omit<EcsContainerTasksOptions, 'log' | 'metrics'>;
}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Dispatch.Dispatches).toResolvedValue(
      (log, metrics) => new DynamoDbDispatches(dynamoDbClient(), config.tableName, { log, metrics }),
      [Platform.Log, Platform.Metrics],
    );
    bind(Dispatch.ContainerTasks).toResolvedValue(
      (log, metrics) => new EcsContainerTasks(ecsClient(), { ...config.ecs, log, metrics }),
      [Platform.Log, Platform.Metrics],
    );
  });
}

export interface DispatchPorts {
  readonly dispatches: Dispatches;
  readonly containerTasks: ContainerTasks;
}

/** Binds the ports to ready instances: in-memory ones for tests, the simulation and the dev server. */
export function dispatchPortsModule(ports: DispatchPorts): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Dispatch.Dispatches).toConstantValue(ports.dispatches);
    bind(Dispatch.ContainerTasks).toConstantValue(ports.containerTasks);
  });
}
