import type { UnqueuedSweepReport, SweepUnqueuedJobs } from '../../application/jobs/SweepUnqueuedJobs.js';
import { pastSoftDeadline } from '../../adapters/shared/deadline.js';

/**
 * EventBridge schedule → SweepUnqueuedJobs. No new job is started past the invocation's soft
 * deadline; what is left waits for the next run. Returns the run's report.
 */
export function jobSweeperHandler(useCase: SweepUnqueuedJobs): (event?: unknown) => Promise<UnqueuedSweepReport> {
  return () => useCase.execute({ shouldStop: pastSoftDeadline });
}
