import { ContainerModule, type ServiceIdentifier } from 'inversify';
import type { DailyCounters } from '../../application/ports/DailyCounters.js';
import { CheckQuota } from '../../application/quota/CheckQuota.js';
import { IncrementCounter } from '../../application/quota/IncrementCounter.js';
import type { QuotaSettings } from '../../application/quota/QuotaSettings.js';
import { ReleaseQuota } from '../../application/quota/ReleaseQuota.js';
import { ReserveQuota } from '../../application/quota/ReserveQuota.js';
import { byName } from './byName.js';
import { Platform } from './platformModule.js';

/** Service identifiers of the daily quota (seed 003's check-quota, increment-counter, and reserve-quota). */
export const Quota = {
  DailyCounters: Symbol.for('baton.DailyCounters') as ServiceIdentifier<DailyCounters>,
  CheckQuota: Symbol.for('baton.CheckQuota') as ServiceIdentifier<CheckQuota>,
  IncrementCounter: Symbol.for('baton.IncrementCounter') as ServiceIdentifier<IncrementCounter>,
  ReserveQuota: Symbol.for('baton.ReserveQuota') as ServiceIdentifier<ReserveQuota>,
  ReleaseQuota: Symbol.for('baton.ReleaseQuota') as ServiceIdentifier<ReleaseQuota>,
} as const;

/**
 * The quota use-cases over whatever adapter another module bound to `Quota.DailyCounters`.
 * Without settings, only the use-cases that need no limit (`IncrementCounter`, `ReleaseQuota`) are bound.
 */
export function quotaUseCasesModule(settings?: QuotaSettings): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const deps = { counters: Quota.DailyCounters, clock: Platform.Clock, log: Platform.Log, metrics: Platform.Metrics };
    bind(Quota.IncrementCounter).toResolvedValue(...byName(deps, (d) => new IncrementCounter(d)));
    bind(Quota.ReleaseQuota).toResolvedValue(...byName(deps, (d) => new ReleaseQuota(d)));
    if (!settings) return;
    bind(Quota.CheckQuota).toResolvedValue(...byName(deps, (d) => new CheckQuota(d, settings)));
    bind(Quota.ReserveQuota).toResolvedValue(...byName(deps, (d) => new ReserveQuota(d, settings)));
  });
}

/** Binds the counters to a ready instance: the in-memory one for tests, the simulation and the dev server. */
export function quotaPortsModule(ports: { readonly counters: DailyCounters }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Quota.DailyCounters).toConstantValue(ports.counters);
  });
}
