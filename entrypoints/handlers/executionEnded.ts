import type { StopExecutionWork, StopExecutionWorkReport } from '../../application/executions/StopExecutionWork.js';
import type { Log } from '../../application/ports/Log.js';

/**
 * EventBridge "Step Functions Execution Status Change" → StopExecutionWork with the event's
 * `detail`. A malformed event is logged and dropped: delivering it again would not mend it.
 */
export function executionEndedHandler(useCase: StopExecutionWork, log: Log): (event: unknown) => Promise<StopExecutionWorkReport | undefined> {
  return async (event) => {
    const detail = typeof event === 'object' && event !== null ? (event as { detail?: unknown }).detail : undefined;
    const result = await useCase.execute(detail);
    return result.match(
      (report) => report,
      (error) => {
        log.error('Not a Step Functions execution status change event', { issues: error.issues });
        return undefined;
      },
    );
  };
}
