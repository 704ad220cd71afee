import { err, ok, type Result } from 'neverthrow';
import { invalidField, type InvalidInput } from '../../domain/shared/InvalidInput.js';
import type { ArtifactPrefix } from '../ports/RunArtifacts.js';

/** Where a pipeline keeps each run's artifacts: `runs/{job_id}/…`. */
const RUNS_ROOT = 'runs/';

/** Far below S3's 1,024-byte keys, far above any job id seen in practice. */
const MAX_RUN_JOB_ID_LENGTH = 200;

/**
 * The rules, in order: the first one a job id breaks is the message. Each names what would
 * happen, so the operator who sees the error knows why it is refused.
 */
const RULES: readonly [(id: string) => boolean, string][] = [
  [(id) => id.length > 0, 'must not be empty (the prefix would be every run)'],
  [(id) => id.length <= MAX_RUN_JOB_ID_LENGTH, `must be at most ${MAX_RUN_JOB_ID_LENGTH} characters`],
  [(id) => !/[/\\]/.test(id), "must not contain '/' or '\\' (the prefix would reach other folders)"],
  [(id) => !id.includes('..') && id !== '.', "must not be '.' or contain '..' (a path step out of the run's folder)"],
  [(id) => !/[*?[\]{}]/.test(id), 'must not contain wildcards (* ? [ ] { })'],
  [(id) => !/[\s\p{C}]/u.test(id), 'must not contain whitespace or control characters'],
  [(id) => /^[A-Za-z0-9._:@=+-]+$/.test(id), 'may contain only letters, digits and - _ . : @ = +'],
];

/**
 * The one prefix that holds a run's artifacts, `runs/{job_id}/`, or `InvalidInput` for a job id
 * that could make it name more than that run (empty, a path step, a wildcard, whitespace, …).
 * The trailing `/` keeps `job-1` from matching `job-10`.
 *
 * @example
 * runPrefix('job-abc123'); // ok('runs/job-abc123/')
 * runPrefix('../'); // err(InvalidInput: job_id must not contain '/' …)
 */
export function runPrefix(jobId: string): Result<ArtifactPrefix, InvalidInput> {
  const broken = RULES.find(([holds]) => !holds(jobId));
  if (broken) return err(invalidField('job_id', broken[1]));
  return ok(`${RUNS_ROOT}${jobId}/` as ArtifactPrefix);
}

/**
 * Defence in depth for adapters: `true` only for `runs/<one segment>/`. The branded type
 * already says so; this catches a cast that lies, before anything is deleted.
 */
export function isRunFolder(prefix: string): boolean {
  if (!prefix.startsWith(RUNS_ROOT) || !prefix.endsWith('/')) return false;
  const jobId = prefix.slice(RUNS_ROOT.length, -1);
  return runPrefix(jobId).isOk();
}
