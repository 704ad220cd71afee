import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStatus, Executions } from '../../application/ports/Executions.js';

/** `DescribeExecution`; an execution Step Functions does not know (`ExecutionDoesNotExist`) is UNKNOWN. */
export class StepFunctionsExecutions implements Executions {
  constructor(private readonly sfn: SFNClient) {}

  async status(executionArn: string): Promise<ExecutionStatus> {
    try {
      const out = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      return (out.status ?? 'UNKNOWN') as ExecutionStatus;
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === 'ExecutionDoesNotExist') return 'UNKNOWN';
      throw error;
    }
  }
}
