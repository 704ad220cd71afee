/**
 * An error for Step Functions: Lambda reports `name` as the error type, which the state
 * machine's Retry and Catch match on (`"ErrorEquals": ["InvalidInput"]`).
 */
export class TaskError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
