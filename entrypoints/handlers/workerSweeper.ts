import type { SweepReport, SweepWorkerInstances } from '../../application/executions/SweepWorkerInstances.js';

/** EventBridge schedule → SweepWorkerInstances. Returns the run's report. */
export function workerSweeperHandler(useCase: SweepWorkerInstances): (event?: unknown) => Promise<SweepReport> {
  return () => useCase.execute();
}
