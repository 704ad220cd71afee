import type { RedriveCallbacks, RedriveReport } from '../../application/callbacks/RedriveCallbacks.js';

/** EventBridge schedule → RedriveCallbacks. Returns the run's report (visible in the invocation result). */
export function callbackRedriveHandler(useCase: RedriveCallbacks): (event?: unknown) => Promise<RedriveReport> {
  return () => useCase.execute();
}
