/** One guarantee the run checks, and what it found. */
export interface InvariantResult {
  readonly name: string;
  readonly holds: boolean;
  /** What was counted (e.g. "3,912 tokens, 3,912 resumed once"), or the first violations. */
  readonly detail: string;
}

/**
 * Checks that `violations` is empty; the detail names up to three of them, so a broken run
 * points at a job to look at.
 *
 * @example
 * invariant('every task token resumed exactly once', tokens.filter((t) => t.resumes !== 1).map((t) => t.id), `${tokens.length} tokens`);
 */
export function invariant(name: string, violations: readonly string[], whenHolds: string): InvariantResult {
  if (violations.length === 0) return { name, holds: true, detail: whenHolds };
  const shown = violations.slice(0, 3).join('; ');
  const more = violations.length > 3 ? ` (and ${violations.length - 3} more)` : '';
  return { name, holds: false, detail: `${violations.length} violation(s): ${shown}${more}` };
}
