import { ContainerModule, type ServiceIdentifier } from 'inversify';
import type { Clock } from '../../application/ports/Clock.js';
import type { Ids } from '../../application/ports/Ids.js';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';

/** Service identifiers of the ports every use-case may need. */
export const Platform = {
  Clock: Symbol.for('baton.Clock') as ServiceIdentifier<Clock>,
  Ids: Symbol.for('baton.Ids') as ServiceIdentifier<Ids>,
  Log: Symbol.for('baton.Log') as ServiceIdentifier<Log>,
  Metrics: Symbol.for('baton.Metrics') as ServiceIdentifier<Metrics>,
} as const;

export interface PlatformParts {
  readonly clock: Clock;
  readonly ids: Ids;
  readonly log: Log;
  readonly metrics: Metrics;
}

/** Binds the platform ports to ready instances (real in Lambda, in-memory in tests and simulation). */
export function platformModule(parts: PlatformParts): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Platform.Clock).toConstantValue(parts.clock);
    bind(Platform.Ids).toConstantValue(parts.ids);
    bind(Platform.Log).toConstantValue(parts.log);
    bind(Platform.Metrics).toConstantValue(parts.metrics);
  });
}
