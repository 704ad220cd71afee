import * as v from 'valibot';
import { isWellFormedText, STORE_LIMITS, utf8Bytes, wellFormed } from '../../domain/shared/storableLimits.js';

/**
 * valibot actions for strings that become DynamoDB keys (or parts of S3 keys and URLs): valid
 * Unicode and at most `maxBytes` of UTF-8, so a value that passes can be written.
 *
 * @example
 * v.pipe(v.string(), v.minLength(1), ...keyText('job_id'))
 */
export function keyText(what: string, maxBytes: number = STORE_LIMITS.partitionKeyBytes) {
  return [
    v.check((s: string) => isWellFormedText(s), `${what} must be valid Unicode text (it holds a lone surrogate)`),
    v.check((s: string) => utf8Bytes(s) <= maxBytes, `${what} must be at most ${maxBytes} bytes of UTF-8`),
  ] as const;
}

/** For text Baton records whatever it holds (error names, state names): lone surrogates become U+FFFD. */
export const repairedText = v.transform((s: string) => wellFormed(s));
