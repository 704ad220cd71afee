import { execFile } from 'node:child_process';
import type { WorkerHost } from '../../application/ports/WorkerHost.js';

/** Runs one command; rejects if it cannot be started or fails. */
export type RunCommand = (command: string, args: readonly string[]) => Promise<void>;

const run: RunCommand = (command, args) =>
  new Promise((resolve, reject) => execFile(command, [...args], (error) => (error ? reject(error) : resolve())));

/**
 * Powers the instance off with `shutdown -h now`. Baton launches workers with
 * `InstanceInitiatedShutdownBehavior: terminate`, so powering off ends the one-time Spot
 * instance and its bill; it needs no EC2 permission on the instance role.
 */
export class PowerOffWorkerHost implements WorkerHost {
  constructor(private readonly runCommand: RunCommand = run) {}

  stop(_reason: string): Promise<void> {
    return this.runCommand('shutdown', ['-h', 'now']);
  }
}
