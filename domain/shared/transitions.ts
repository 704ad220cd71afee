/**
 * A status machine as data: `table[from][event] = to`. Every aggregate's statuses are
 * defined this way so a property test can enumerate the table, and persistence can
 * condition its write on the `from` status the table was consulted with.
 */
export type TransitionTable<S extends string, E extends string> = {
  readonly [From in S]: Partial<Readonly<Record<E, S>>>;
};

export interface IllegalTransition<S extends string, E extends string> {
  readonly type: 'IllegalTransition';
  readonly from: S;
  readonly event: E;
}

export function nextStatus<S extends string, E extends string>(
  table: TransitionTable<S, E>,
  from: S,
  event: E,
): S | IllegalTransition<S, E> {
  const to = table[from][event];
  return to ?? { type: 'IllegalTransition', from, event };
}

export function isIllegal<S extends string, E extends string>(
  value: S | IllegalTransition<S, E>,
): value is IllegalTransition<S, E> {
  return typeof value === 'object';
}
