import type { ServiceIdentifier } from 'inversify';

declare const resolvesTo: unique symbol;

/** A dependency a use-case may go without: resolved when bound, else `undefined`. Made by {@link optional}. */
export interface OptionalId<T> {
  readonly serviceIdentifier: ServiceIdentifier<NonNullable<T>>;
  readonly optional: true;
  readonly [resolvesTo]?: T;
}

/** `errorNotifications: optional(JobApi.ErrorNotifications)`: `undefined` when nothing is bound to it. */
export function optional<T>(serviceIdentifier: ServiceIdentifier<T>): OptionalId<T | undefined> {
  return { serviceIdentifier: serviceIdentifier as ServiceIdentifier<NonNullable<T>>, optional: true };
}

/** The service identifier of each of a use-case's named dependencies. */
export type NamedIds<D> = { readonly [K in keyof D]: ServiceIdentifier<D[K]> | OptionalId<D[K]> };

/** What `toResolvedValue` takes: a factory over positional values, and their identifiers in the same order. */
type ResolvedValue<T> = [(...values: unknown[]) => T, (ServiceIdentifier | OptionalId<unknown>)[]];

/**
 * A use-case's `toResolvedValue` binding by name, so no argument is matched by position. The
 * names are the use-case's own (`Ports`): the compiler checks each identifier against the
 * dependency of that name.
 *
 * @example
 * bind(JobApi.SubmitJob).toResolvedValue(
 *   ...byName({ jobs: JobApi.Jobs, queue: JobApi.Queue, ids: Platform.Ids, clock: Platform.Clock, … }, (deps) => new SubmitJob(deps)),
 * );
 */
export function byName<D extends object, T>(ids: NamedIds<D>, make: (deps: D) => T): ResolvedValue<T> {
  const names = Object.keys(ids) as (keyof D & string)[];
  return [
    (...values) => make(Object.fromEntries(names.map((name, i) => [name, values[i]])) as D),
    names.map((name) => ids[name] as ServiceIdentifier | OptionalId<unknown>),
  ];
}
