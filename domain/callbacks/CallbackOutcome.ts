import { nestingDepth } from '../shared/storableLimits.js';
import { clamp, MAX_CAUSE_CHARS, MAX_ERROR_CHARS, MAX_OUTPUT_BYTES, MAX_OUTPUT_DEPTH, utf8Length } from './stepFunctionsLimits.js';

/**
 * What the work reported, ready to hand to Step Functions: either the JSON output of
 * SendTaskSuccess or the error name and cause of SendTaskFailure. Always within Step Functions'
 * limits, so it can be stored (DynamoDB item ≤ 400 KB) and sent as it is, now or on redrive.
 */
export type CallbackOutcome =
  | { readonly kind: 'success'; readonly output: string }
  | { readonly kind: 'failure'; readonly error: string; readonly cause: string };

/**
 * A success whose output is `payload` as JSON. When that is over 256 KiB the payload's
 * `output` field is replaced by `null` and `output_truncated: true, output_bytes: N` are
 * added (the work's own result is then to be read where the work wrote it, e.g. S3),
 * so the workflow is resumed with a marker instead of never being resumed at all.
 */
export function successOutcome(payload: Readonly<Record<string, unknown>>): CallbackOutcome {
  // Too deep to serialise safely (JSON.stringify recurses): kept as a marker, like an oversized output.
  if (nestingDepth(payload, MAX_OUTPUT_DEPTH + 2) > MAX_OUTPUT_DEPTH + 1) {
    const rest = Object.fromEntries(Object.entries(payload).filter(([, v]) => v === null || typeof v !== 'object'));
    return successOutcome({ ...rest, output: null, output_truncated: true, output_too_deep: true });
  }
  const output = JSON.stringify(payload);
  const bytes = utf8Length(output);
  if (bytes <= MAX_OUTPUT_BYTES) return { kind: 'success', output };
  const marked = JSON.stringify({ ...payload, output: null, output_truncated: true, output_bytes: bytes });
  if (utf8Length(marked) <= MAX_OUTPUT_BYTES) return { kind: 'success', output: marked };
  // Even the other fields are too large: keep only the marker.
  return { kind: 'success', output: JSON.stringify({ output: null, output_truncated: true, output_bytes: bytes }) };
}

/**
 * A failure's cause as text: a string as it is, anything else as JSON, or a marker when it is
 * nested too deep to serialise.
 */
export function causeText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (nestingDepth(error, MAX_OUTPUT_DEPTH + 1) > MAX_OUTPUT_DEPTH) return `[error nested deeper than ${MAX_OUTPUT_DEPTH} levels]`;
  return JSON.stringify(error) ?? String(error);
}

/** A failure, error name and cause clamped to Step Functions' limits. */
export function failureOutcome(error: string, cause: string): CallbackOutcome {
  return { kind: 'failure', error: clamp(error, MAX_ERROR_CHARS), cause: clamp(cause, MAX_CAUSE_CHARS) };
}
