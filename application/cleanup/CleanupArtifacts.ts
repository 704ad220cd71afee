import * as v from 'valibot';
import { err, ok, safeTry, type ResultAsync } from 'neverthrow';
import type { InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { Ports } from '../ports/Ports.js';
import { validate } from '../shared/validate.js';
import type { ArtifactNotDeleted } from '../ports/RunArtifacts.js';
import { runPrefix } from './runPrefix.js';

/** Seed 003's cleanup input: `{ "job_id": "job-abc123" }`. */
const CleanupInputSchema = v.object(
  { job_id: v.string('must be a string') },
  (issue) => (issue.path ? 'is required' : 'must be an object with a job_id'),
);

export interface ArtifactsCleaned {
  readonly jobId: string;
  readonly objectsDeleted: number;
  readonly bytesFreed: number;
}

/**
 * Some objects under the run's prefix are still there after the sweep. The others are gone;
 * running the cleanup again retries exactly the ones left (deleting is idempotent).
 */
export interface ArtifactsLeft {
  readonly type: 'ArtifactsLeft';
  readonly jobId: string;
  readonly objectsDeleted: number;
  readonly bytesFreed: number;
  readonly failures: readonly ArtifactNotDeleted[];
}

export type CleanupArtifactsError = InvalidInput | ArtifactsLeft;

/** Per-key failures logged in full up to this many; the count is always exact. */
const LOGGED_FAILURES = 50;

/** What CleanupArtifacts is given: see {@link Ports} for the one name of each port. */
export type CleanupArtifactsDeps = Pick<Ports, 'artifacts' | 'log' | 'metrics'>;

/**
 * Seed 003's cleanup: deletes every object under `runs/{job_id}/` in the artifacts bucket and
 * reports how many objects and bytes went. A job id that could widen the prefix is refused
 * before anything is listed. Idempotent: a second run finds nothing and answers zeros.
 *
 * @example
 * const r = await cleanupArtifacts.execute({ job_id: 'job-abc123' });
 * // ok({ jobId: 'job-abc123', objectsDeleted: 157, bytesFreed: 524288000 })
 */
export class CleanupArtifacts {
  constructor(private readonly deps: CleanupArtifactsDeps) {}

  execute(input: unknown): ResultAsync<ArtifactsCleaned, CleanupArtifactsError> {
    const { artifacts, log: rootLog, metrics } = this.deps;
    return safeTry(async function* () {
      const { job_id: jobId } = yield* validate(CleanupInputSchema, input);
      const prefix = yield* runPrefix(jobId);
      const { objectsDeleted, bytesFreed, failures } = await artifacts.deleteUnder(prefix);
      const log = rootLog.with({ job_id: jobId });
      metrics.count('ArtifactsDeleted', objectsDeleted);
      metrics.count('ArtifactBytesFreed', bytesFreed);
      if (failures.length === 0) {
        log.info('Run artifacts deleted', { prefix, objects_deleted: objectsDeleted, bytes_freed: bytesFreed });
        return ok({ jobId, objectsDeleted, bytesFreed });
      }
      metrics.count('ArtifactDeletesFailed', failures.length);
      log.error('Some run artifacts could not be deleted', {
        prefix,
        objects_deleted: objectsDeleted,
        bytes_freed: bytesFreed,
        objects_failed: failures.length,
        failures: failures.slice(0, LOGGED_FAILURES),
      });
      return err({ type: 'ArtifactsLeft' as const, jobId, objectsDeleted, bytesFreed, failures });
    });
  }
}
