import type { ExecutionStatus, Executions } from '../../application/ports/Executions.js';

/** Executions whose status a test or the simulation sets; any other is UNKNOWN, as to Step Functions. */
export class InMemoryExecutions implements Executions {
  private readonly statuses = new Map<string, ExecutionStatus>();

  set(executionArn: string, status: ExecutionStatus): this {
    this.statuses.set(executionArn, status);
    return this;
  }

  async status(executionArn: string): Promise<ExecutionStatus> {
    return this.statuses.get(executionArn) ?? 'UNKNOWN';
  }
}
