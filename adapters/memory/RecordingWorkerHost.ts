import type { WorkerHost } from '../../application/ports/WorkerHost.js';

/** A host that only records why it was told to stop: tests and the simulation. */
export class RecordingWorkerHost implements WorkerHost {
  readonly stops: string[] = [];

  async stop(reason: string): Promise<void> {
    this.stops.push(reason);
  }
}
