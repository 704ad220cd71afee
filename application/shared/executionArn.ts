import * as v from 'valibot';
import { keyText } from './storable.js';

/**
 * The waiting execution's ARN, as the state machine passes it (`"execution_arn.$": "$$.Execution.Id"`).
 * Optional in every task input; with it, the end of the execution finds the work to stop
 * (see ARCHITECTURE.md, "No paid compute outlives its execution"). At most 256 characters, so
 * it fits an EC2 tag value.
 */
export const ExecutionArnSchema = v.pipe(
  v.string('execution_arn must be a string'),
  v.maxLength(256, 'execution_arn must be at most 256 characters'),
  v.regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:\S+$/, 'execution_arn must be a Step Functions execution ARN ($$.Execution.Id)'),
  // Stored as an index key and an EC2 tag: `\S` alone lets a lone surrogate through.
  ...keyText('execution_arn'),
);
