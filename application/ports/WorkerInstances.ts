/** A worker instance Baton launched (tagged `baton:role`) that is pending or running. */
export interface WorkerInstance {
  readonly instanceId: string;
  readonly launchedAt: Date;
  /** Its `baton:execution-arn` tag, when the task input named the execution. */
  readonly executionArn?: string;
  readonly jobId?: string;
}

/**
 * The Spot worker instances Baton launched, as the cloud sees them now: found by their tags
 * (never by our own records, which an instance may have outlived), and terminated. Unknown
 * infrastructure faults reject.
 */
export interface WorkerInstances {
  /** Every pending or running worker instance; only those of `executionArn` when given. */
  running(filter?: { readonly executionArn?: string }): Promise<readonly WorkerInstance[]>;
  /** Terminates the instances; one already gone is no error. */
  terminate(instanceIds: readonly string[]): Promise<void>;
}
