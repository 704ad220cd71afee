import type { FieldIssue } from './InvalidInput.js';

/**
 * What DynamoDB (and the SDK's marshaller in front of it) can store. Input that passes these
 * checks is *storable*: "valid" never means "valid, but the write will fail". Each limit is
 * DynamoDB's own, except the number range, which is the marshaller's: a JS number above 2^53
 * is refused by `@aws-sdk/util-dynamodb` (it would silently lose digits).
 */
export const STORE_LIMITS = {
  /** A partition key value, in UTF-8 bytes. */
  partitionKeyBytes: 2048,
  /** A sort key value, in UTF-8 bytes. */
  sortKeyBytes: 1024,
  /** A whole item, attribute names included. */
  itemBytes: 400 * 1024,
  /** Maps and lists inside an attribute. */
  nestingDepth: 32,
  /** The largest magnitude a JS number may have and keep every digit. */
  maxSafeNumber: Number.MAX_SAFE_INTEGER,
  /** DynamoDB's smallest positive number; anything closer to zero is an underflow error. */
  minPositiveNumber: 1e-130,
} as const;

/** Issues reported for one value are capped: a hostile document could otherwise make a megabyte of them. */
const MAX_ISSUES = 10;

/** Every string in a document must encode as UTF-8: a lone surrogate half cannot. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * `text` with every lone surrogate replaced by U+FFFD: for text Baton must record whatever it
 * holds (an error message from a failed step) rather than refuse.
 */
export function wellFormed(text: string): string {
  return isWellFormedText(text) ? text : text.replace(LONE_SURROGATE_ALL, '\uFFFD');
}

/** UTF-8 length of a string, without encoding it (a lone surrogate counts as the 3-byte U+FFFD). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** The number rule on its own; `undefined` when `n` can be stored. */
function numberProblem(n: number): string | undefined {
  if (!Number.isFinite(n)) return 'must be a finite number';
  if (Math.abs(n) > STORE_LIMITS.maxSafeNumber) return `must be at most 2^53 - 1 in magnitude (${n} would lose digits)`;
  if (n !== 0 && Math.abs(n) < STORE_LIMITS.minPositiveNumber) return `must be 0 or at least 1e-130 in magnitude (${n} underflows)`;
  return undefined;
}

/**
 * The deepest nesting of arrays and objects in `value` (a scalar is 0, `{}` is 1), counted
 * without recursion, so a 100,000-deep document costs time, not stack. Stops counting at
 * `stopAt` (the caller's limit + 1 is enough to know it is over).
 */
export function nestingDepth(value: unknown, stopAt = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest >= stopAt) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, here]);
    }
  }
  return deepest;
}

/**
 * Every reason `value` (parsed JSON) cannot be stored as a DynamoDB attribute: nesting over
 * 32 levels, numbers out of range, empty or malformed map keys, strings with lone surrogates.
 * Walks without recursion; reports at most ten issues, each with the dotted path of its field
 * under `field`. Size is checked by the caller, who knows the rest of the item.
 *
 * @example
 * storableIssues('spec', { a: [1e400] }) // [{ field: 'spec.a.0', message: 'must be a finite number' }]
 */
export function storableIssues(field: string, value: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const depth = nestingDepth(value, STORE_LIMITS.nestingDepth + 1);
  if (depth > STORE_LIMITS.nestingDepth) {
    return [{ field, message: `must not nest objects and arrays more than ${STORE_LIMITS.nestingDepth} levels deep` }];
  }
  const stack: [unknown, string][] = [[value, field]];
  const add = (path: string, message: string) => issues.push({ field: path, message });
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'number') {
      const problem = numberProblem(node);
      if (problem) add(path, problem);
    } else if (typeof node === 'string') {
      if (!isWellFormedText(node)) add(path, 'must be valid Unicode text (it holds a lone surrogate)');
    } else if (Array.isArray(node)) {
      node.forEach((child, i) => stack.push([child, join(path, String(i))]));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        const at = join(path, clip(key));
        if (key === '') add(at, 'has an empty key; DynamoDB map keys must not be empty');
        else if (!isWellFormedText(key)) add(at, 'has a key that is not valid Unicode text (a lone surrogate)');
        else if (utf8Bytes(key) > 65_535) add(at, 'has a key over 65,535 bytes');
        stack.push([child, at]);
      }
    } else if (node !== null && typeof node !== 'boolean') {
      add(path, `cannot store a ${typeof node}`);
    }
  }
  return issues;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** A field path quotes the key it names; a 1 MB key would make a 1 MB message. */
function clip(key: string): string {
  const safe = wellFormed(key);
  return safe.length <= 64 ? safe : `${safe.slice(0, 64)}…`;
}

/**
 * S3's bucket naming rules (general purpose buckets): why `name` is not a bucket name, or
 * `undefined`. Checked before the name reaches the SDK, which would otherwise build a URL from it.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return 'may contain only lowercase letters, digits, "." and "-", and must begin and end with a letter or digit';
  }
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return 'must not have "..", ".-" or "-." in it';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not be formatted as an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return 'must not begin with xn--, sthree- or amzn-s3-demo-';
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return 'must not end with a suffix S3 reserves';
  return undefined;
}

/** S3 object keys: at most 1,024 bytes of UTF-8. */
export const S3_KEY_BYTES = 1024;
