import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { ResultAsync } from 'neverthrow';
import type { ExecutionStatus, Executions } from '../../application/ports/Executions.js';

/** `DescribeExecution`; an execution Step Functions does not know (`ExecutionDoesNotExist`) is UNKNOWN. */
export class StepFunctionsExecutions implements Executions {
  constructor(private readonly sfn: SFNClient) {}

  status(executionArn: string): ResultAsync<ExecutionStatus, never> {
    return ResultAsync.fromSafePromise(
      this.sfn.send(new DescribeExecutionCommand({ executionArn })).then(
        (out): ExecutionStatus => (out.status ?? 'UNKNOWN') as ExecutionStatus,
        (error: unknown): ExecutionStatus => {
          if ((error as { name?: unknown } | null)?.name === 'ExecutionDoesNotExist') return 'UNKNOWN';
          throw error;
        },
      ),
    );
  }
}
