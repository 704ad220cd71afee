import type { ArtifactsLeft, CleanupArtifacts } from '../../application/cleanup/CleanupArtifacts.js';
import { describeIssues } from '../../domain/shared/InvalidInput.js';
import { TaskError } from './taskError.js';

/** Seed 003's output, exactly. */
export interface CleanupResponse {
  readonly job_id: string;
  readonly objects_deleted: number;
  readonly bytes_freed: number;
}

/** Keys named in the error message: enough to act on, short enough for a Step Functions Cause. */
const NAMED_KEYS = 5;

/**
 * Step Functions task `{ job_id }` → CleanupArtifacts.
 *
 * - A job id that could widen the prefix throws `InvalidInput` (do not retry).
 * - Objects S3 refused to delete throw `CleanupIncomplete` after everything else went: the
 *   state machine's Retry runs the sweep again, which finds only what is left (a refusal is
 *   most often S3's transient `InternalError`/`SlowDown`). The per-key errors are in the log.
 * - Faults (listing denied, bucket missing, network) throw as they are (retry).
 */
export function cleanupHandler(useCase: CleanupArtifacts): (event: unknown) => Promise<CleanupResponse> {
  return async (event) => {
    const result = await useCase.execute(event);
    if (result.isOk()) {
      const { jobId, objectsDeleted, bytesFreed } = result.value;
      return { job_id: jobId, objects_deleted: objectsDeleted, bytes_freed: bytesFreed };
    }
    const error = result.error;
    switch (error.type) {
      case 'InvalidInput':
        throw new TaskError('InvalidInput', describeIssues(error), error.issues);
      case 'ArtifactsLeft':
        throw incomplete(error);
    }
  };
}

function incomplete(left: ArtifactsLeft): TaskError {
  const named = left.failures
    .slice(0, NAMED_KEYS)
    .map((f) => `${f.key} (${f.code})`)
    .join(', ');
  const more = left.failures.length > NAMED_KEYS ? `, and ${left.failures.length - NAMED_KEYS} more` : '';
  return new TaskError(
    'CleanupIncomplete',
    `${left.failures.length} object(s) under runs/${left.jobId}/ could not be deleted: ${named}${more}; ` +
      `${left.objectsDeleted} deleted (${left.bytesFreed} bytes). Retrying deletes only what is left.`,
    {
      job_id: left.jobId,
      objects_deleted: left.objectsDeleted,
      bytes_freed: left.bytesFreed,
      objects_failed: left.failures.length,
    },
  );
}
