import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { Ec2SpotInstances } from '../../adapters/ec2/Ec2SpotInstances.js';
import { LaunchWorker } from '../../application/launch/LaunchWorker.js';
import type { SpotInstances } from '../../application/ports/SpotInstances.js';
import type { WorkerLaunchSettings } from '../../domain/launch/RenderLaunch.js';
import { ec2Client } from '../aws/ec2Client.js';
import { Callbacks } from './callbacksModule.js';
import { byName } from './byName.js';
import { Platform } from './platformModule.js';

/** Service identifiers of the Spot worker launch (seed 003 start-renderer / start-uploader). */
export const Launch = {
  SpotInstances: Symbol.for('baton.SpotInstances') as ServiceIdentifier<SpotInstances>,
  LaunchWorker: Symbol.for('baton.LaunchWorker') as ServiceIdentifier<LaunchWorker>,
} as const;

/** Spot instances through EC2 `RunInstances`. */
export function awsSpotModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Launch.SpotInstances).toResolvedValue(() => new Ec2SpotInstances(ec2Client()));
  });
}

/** Spot instances bound to a ready instance (in memory for tests and the simulation). */
export function spotPortsModule(spot: SpotInstances): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Launch.SpotInstances).toConstantValue(spot);
  });
}

/**
 * LaunchWorker for one role. With `callbackTableName`, the task token is kept in the callbacks
 * table bound to `Callbacks.Mappings` (awsCallbacksModule or callbackPortsModule); without it,
 * the task token travels in user-data (the seed's behaviour, opt-in).
 */
export function launchWorkerModule(settings: WorkerLaunchSettings, callbackTableName: string | undefined): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const deps = {
      spotInstances: Launch.SpotInstances,
      ids: Platform.Ids,
      clock: Platform.Clock,
      log: Platform.Log,
      metrics: Platform.Metrics,
    };
    if (callbackTableName === undefined) {
      bind(Launch.LaunchWorker).toResolvedValue(
        ...byName(deps, (d) => new LaunchWorker({ ...d, reportChannel: { kind: 'taskTokenInUserData' } }, settings)),
      );
      return;
    }
    bind(Launch.LaunchWorker).toResolvedValue(
      ...byName({ ...deps, mappings: Callbacks.Mappings }, ({ mappings, ...d }) =>
        new LaunchWorker({ ...d, reportChannel: { kind: 'callbacksTable', tableName: callbackTableName, mappings } }, settings),
      ),
    );
  });
}
