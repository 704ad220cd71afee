import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { CleanupArtifacts } from '../../application/cleanup/CleanupArtifacts.js';
import type { RunArtifacts } from '../../application/ports/RunArtifacts.js';
import { byName } from './byName.js';
import { Platform } from './platformModule.js';

/** Service identifiers of seed 003's cleanup. */
export const Cleanup = {
  RunArtifacts: Symbol.for('baton.RunArtifacts') as ServiceIdentifier<RunArtifacts>,
  CleanupArtifacts: Symbol.for('baton.CleanupArtifacts') as ServiceIdentifier<CleanupArtifacts>,
} as const;

/** The cleanup use-case over whatever adapter another module bound to `Cleanup.RunArtifacts`. */
export function cleanupUseCasesModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Cleanup.CleanupArtifacts).toResolvedValue(
      ...byName({ artifacts: Cleanup.RunArtifacts, log: Platform.Log, metrics: Platform.Metrics }, (deps) => new CleanupArtifacts(deps)),
    );
  });
}

/** Binds the artifacts store to a ready instance: the in-memory one for tests, the simulation and the dev server. */
export function cleanupPortsModule(ports: { readonly artifacts: RunArtifacts }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Cleanup.RunArtifacts).toConstantValue(ports.artifacts);
  });
}
