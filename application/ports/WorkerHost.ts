/**
 * The machine a worker process runs on. When Step Functions says the worker's task is gone
 * (timed out, execution stopped), nobody will take its result: the machine must stop, or a
 * paid instance keeps rendering for nothing until its own limits end it.
 */
export interface WorkerHost {
  /** Stops the machine (on EC2: power off; the one-time Spot instance then terminates). */
  stop(reason: string): Promise<void>;
}
