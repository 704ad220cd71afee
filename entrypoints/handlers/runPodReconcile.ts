import type { ReconcileReport, ReconcileRunPodJobs } from '../../application/runpod/ReconcileRunPodJobs.js';

/** EventBridge schedule → ReconcileRunPodJobs. Returns the run's report (visible in the invocation result). */
export function runPodReconcileHandler(useCase: ReconcileRunPodJobs): (event?: unknown) => Promise<ReconcileReport> {
  return () => useCase.execute();
}
