import type { Result } from 'neverthrow';

/**
 * The value of a dispatch transition the launch cannot be refused: it holds a `submitted`
 * dispatch, so the Job rules refusing the move is a bug, thrown as one.
 */
export function orThrow<T, E extends { type: string }>(result: Result<T, E>): T {
  if (result.isOk()) return result.value;
  throw new Error(`dispatch transition refused: ${JSON.stringify(result.error)}`);
}
