/**
 * The longest an execution of an ASL definition can run, read from the definition alone — the
 * bound its execution-level TimeoutSeconds must cover, because an execution timeout skips every
 * Catch (no HandleError, no record, no release).
 *
 * The model is sound, not typical: every attempt of a Task lasts its full TimeoutSeconds (a task
 * without one makes the bound infinite), every retrier runs out its MaxAttempts with its longest
 * backoff (IntervalSeconds × BackoffRate^k, capped by MaxDelaySeconds; jitter only shortens it),
 * every Choice may take any branch and every Catch may fire after all retries. A loop must be
 * bounded by a Choice rule `NumericGreaterThanEquals: N` that leaves it; its states then run at
 * most N times. A Map runs ceil(items / MaxConcurrency) waves of its worst iteration.
 */
type State = Record<string, any>;
type Definition = { StartAt: string; States: Record<string, State> };

export interface WorstCaseOptions {
  /** Items a Map state iterates over (its input decides; the definition cannot). */
  readonly mapItems?: number;
}

export function worstCaseSeconds(definition: Definition, options: WorstCaseOptions = {}): number {
  const states = definition.States;
  const limits = visitLimits(definition);
  const visits = new Map<string, number>();

  const longestFrom = (name: string): number => {
    const count = visits.get(name) ?? 0;
    if (count >= (limits.get(name) ?? 1)) return Number.NEGATIVE_INFINITY; // this path is not allowed
    visits.set(name, count + 1);
    const state = states[name]!;
    const rest = Math.max(0, ...successors(state).map(longestFrom));
    visits.set(name, count);
    return stateSeconds(state, options) + rest;
  };
  return longestFrom(definition.StartAt);
}

/** The longest a single state can take, retries included. */
function stateSeconds(state: State, options: WorstCaseOptions = {}): number {
  switch (state['Type']) {
    case 'Task':
      if (!(state['TimeoutSeconds'] > 0)) return Number.POSITIVE_INFINITY;
      return attempts(state) * state['TimeoutSeconds'] + backoffSeconds(state);
    case 'Map': {
      const items = options.mapItems;
      if (items === undefined) throw new Error('a Map state needs options.mapItems');
      const waves = Math.ceil(items / (state['MaxConcurrency'] || items || 1));
      const iteration = worstCaseSeconds(state['ItemProcessor'] ?? state['Iterator'], options);
      return waves * iteration + backoffSeconds(state) + (attempts(state) - 1) * waves * iteration;
    }
    case 'Wait':
      if (typeof state['Seconds'] === 'number') return state['Seconds'];
      return Number.POSITIVE_INFINITY;
    default:
      return 0;
  }
}

function attempts(state: State): number {
  return 1 + ((state['Retry'] ?? []) as State[]).reduce((sum, r) => sum + (r['MaxAttempts'] ?? 3), 0);
}

function backoffSeconds(state: State): number {
  let total = 0;
  for (const r of (state['Retry'] ?? []) as State[]) {
    const interval = r['IntervalSeconds'] ?? 1;
    const rate = r['BackoffRate'] ?? 2;
    const cap = r['MaxDelaySeconds'] ?? Number.POSITIVE_INFINITY;
    for (let k = 0; k < (r['MaxAttempts'] ?? 3); k += 1) total += Math.min(interval * rate ** k, cap);
  }
  return total;
}

function successors(state: State): string[] {
  const next: string[] = [];
  if (state['Next']) next.push(state['Next']);
  if (state['Default']) next.push(state['Default']);
  for (const c of state['Choices'] ?? []) next.push(c['Next']);
  for (const c of state['Catch'] ?? []) next.push(c['Next']);
  return [...new Set(next)];
}

/** Every state on a cycle may run as often as the cycle's guard allows; any other state once. */
function visitLimits(definition: Definition): Map<string, number> {
  const states = definition.States;
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [...successors(states[from]!)];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (s === to) return true;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...successors(states[s]!));
    }
    return false;
  };
  const limits = new Map<string, number>();
  const onCycle = Object.keys(states).filter((name) => reaches(name, name));
  for (const name of onCycle) {
    const cycle = onCycle.filter((other) => reaches(name, other) && reaches(other, name));
    const guards = cycle.flatMap((s) =>
      ((states[s]!['Choices'] ?? []) as State[])
        .filter((rule) => !cycle.includes(rule['Next']))
        .flatMap((rule) => numericFloors(rule)),
    );
    if (guards.length === 0) throw new Error(`unbounded loop through ${cycle.join(' → ')}: no NumericGreaterThanEquals guard leaves it`);
    limits.set(name, Math.min(...guards));
  }
  return limits;
}

function numericFloors(rule: State): number[] {
  const own = typeof rule['NumericGreaterThanEquals'] === 'number' ? [rule['NumericGreaterThanEquals'] as number] : [];
  return [...own, ...((rule['And'] ?? []) as State[]).flatMap(numericFloors)];
}
