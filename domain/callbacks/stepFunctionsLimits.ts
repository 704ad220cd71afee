/** Step Functions' limits on SendTaskSuccess / SendTaskFailure payloads. */
export const MAX_OUTPUT_BYTES = 262_144;
export const MAX_ERROR_CHARS = 256;
export const MAX_CAUSE_CHARS = 32_768;
/**
 * Outputs nested deeper than this are not passed on (a marker is): Step Functions documents no
 * depth limit, but serialising a 5,000-deep document overflows the stack, and no real result
 * of a GPU job is nested this deep.
 */
export const MAX_OUTPUT_DEPTH = 128;

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Cuts `text` to at most `max` characters, marking the cut so nobody mistakes it for the whole. */
export function clamp(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = '…[truncated]';
  return text.slice(0, Math.max(0, max - marker.length)) + marker;
}
