/**
 * A key prefix that names exactly one run's folder (`runs/{job_id}/`). Only
 * `application/cleanup/runPrefix.ts` makes one, after refusing any job id that could widen it,
 * so no caller can hand the adapter `''` or `runs/` by mistake.
 */
export type ArtifactPrefix = string & { readonly __brand: 'ArtifactPrefix' };

/** One object the store refused to delete. */
export interface ArtifactNotDeleted {
  readonly key: string;
  readonly code: string;
  readonly message: string;
}

/** What one sweep of a prefix did. `failures` is empty when every listed object went. */
export interface ArtifactDeletion {
  readonly objectsDeleted: number;
  readonly bytesFreed: number;
  readonly failures: readonly ArtifactNotDeleted[];
}

/**
 * The store of run artifacts (an S3 bucket). Deleting is idempotent: objects already gone are
 * not counted and not an error. Listing or batch faults reject (throw); per-object refusals
 * are reported in `failures` and the sweep goes on.
 */
export interface RunArtifacts {
  /** Deletes every object whose key starts with `prefix`. */
  deleteUnder(prefix: ArtifactPrefix): Promise<ArtifactDeletion>;
}
