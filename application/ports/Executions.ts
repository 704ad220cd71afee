/** Step Functions' execution statuses, and UNKNOWN for one it does not know (deleted, or never existed). */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE' | 'UNKNOWN';

/** Step Functions executions, read-only: whether an execution still runs. Unknown infrastructure faults reject. */
export interface Executions {
  status(executionArn: string): Promise<ExecutionStatus>;
}
