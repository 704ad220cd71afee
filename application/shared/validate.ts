import * as v from 'valibot';
import { err, ok, type Result } from 'neverthrow';
import { invalidInput, type InvalidInput } from '../../domain/shared/InvalidInput.js';

/**
 * Parses untrusted input (a Step Functions event, an HTTP body) with a valibot schema.
 * Every issue is reported with the dotted path of its field, so a caller sees all
 * problems at once.
 */
export function validate<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): Result<v.InferOutput<S>, InvalidInput> {
  const parsed = v.safeParse(schema, input);
  if (parsed.success) return ok(parsed.output);
  const issues = parsed.issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => ({ field: clip(v.getDotPath(issue) ?? ''), message: issue.message }));
  if (parsed.issues.length > MAX_REPORTED_ISSUES) {
    issues.push({ field: '', message: `and ${parsed.issues.length - MAX_REPORTED_ISSUES} more issues` });
  }
  return err(invalidInput(issues));
}

/** A body with 100,000 bad entries gets a short answer (and a short log line), not 100,000 issues. */
const MAX_REPORTED_ISSUES = 20;

/** Field paths name keys the caller chose, of any length. */
function clip(path: string): string {
  return path.length <= 256 ? path : `${path.slice(0, 256)}…`;
}
