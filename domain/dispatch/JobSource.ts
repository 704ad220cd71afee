import { err, ok, type Result } from 'neverthrow';
import { invalidField, type InvalidInput } from '../shared/InvalidInput.js';

/**
 * What the container is asked to fetch. `stream` sources (http, https, rtmp, rtmps) go to the
 * recorder task definition; `torrent` sources (a magnet link, or an http(s) URL whose path ends
 * in `.torrent`) go to the Transmission task definition.
 */
export type SourceKind = 'stream' | 'torrent';

export interface JobSource {
  /** The URL as the container receives it: trimmed, validated, no credentials, no control characters. */
  readonly url: string;
  readonly kind: SourceKind;
  readonly scheme: AllowedScheme;
}

export const ALLOWED_SCHEMES = ['http', 'https', 'rtmp', 'rtmps', 'magnet'] as const;
export type AllowedScheme = (typeof ALLOWED_SCHEMES)[number];

/** Longer URLs are not sources but payloads; the container's environment is not a place for them. */
export const MAX_URL_LENGTH = 2048;

/** A BitTorrent info-hash: 40 hex (v1), 32 base32 (v1), or a multihash `btmh:` (v2). */
const MAGNET_TOPIC = /(?:^|&)xt=urn:(?:btih:(?:[0-9a-f]{40}|[a-z2-7]{32})|btmh:1220[0-9a-f]{64})(?:&|$)/i;

/**
 * Hosts a container must never be pointed at: loopback, the link-local range (instance and
 * task metadata endpoints live there) and private networks. Only literal addresses can be
 * checked here; a DNS name that resolves to them must be stopped by the task's network rules.
 */
const FORBIDDEN_HOST =
  /^(?:localhost|.*\.localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|10(?:\.\d{1,3}){3}|169\.254(?:\.\d{1,3}){2}|192\.168(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2}|\[(?:::1?|f[cd][0-9a-f:]*|fe80:[0-9a-f:]*|::ffff:[0-9a-f.:]*)\])$/i;

/**
 * Validates a caller's source URL and decides where it goes. Every rejection names the field
 * (`url`) and says what is wrong, so the API's 400 answer is actionable.
 *
 * @example
 * parseJobSource('magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a')
 * // ok({ url: 'magnet:?xt=…', kind: 'torrent', scheme: 'magnet' })
 * parseJobSource('file:///etc/passwd') // err(InvalidInput: url: scheme must be one of …)
 */
export function parseJobSource(input: string, field = 'url'): Result<JobSource, InvalidInput> {
  const url = input.trim();
  const bad = (message: string) => err(invalidField(field, message));
  if (url === '') return bad('must not be empty');
  if (url.length > MAX_URL_LENGTH) return bad(`must be at most ${MAX_URL_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(url)) return bad('must not contain whitespace or control characters');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return bad('must be an absolute URL with a scheme');
  if (!isAllowedScheme(scheme)) return bad(`scheme must be one of ${ALLOWED_SCHEMES.join(', ')}`);
  if (scheme === 'magnet') return parseMagnet(url, bad);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return bad('must be a valid URL');
  }
  if (parsed.hostname === '') return bad('must name a host');
  if (parsed.username !== '' || parsed.password !== '') {
    return bad('must not carry credentials (user:password@); give the container its credentials another way');
  }
  if (FORBIDDEN_HOST.test(parsed.hostname)) return bad('must not point at a loopback, link-local or private address');
  const kind: SourceKind = isTorrentFile(scheme, parsed.pathname) ? 'torrent' : 'stream';
  return ok({ url: parsed.href, kind, scheme });
}

function isAllowedScheme(scheme: string): scheme is AllowedScheme {
  return (ALLOWED_SCHEMES as readonly string[]).includes(scheme);
}

/** A `.torrent` metainfo file fetched over http(s); the query string does not count. */
function isTorrentFile(scheme: AllowedScheme, pathname: string): boolean {
  return (scheme === 'http' || scheme === 'https') && /\.torrent$/i.test(decodeURIComponentSafe(pathname));
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function parseMagnet(
  url: string,
  bad: (message: string) => Result<JobSource, InvalidInput>,
): Result<JobSource, InvalidInput> {
  const query = /^magnet:\?(.+)$/i.exec(url)?.[1];
  if (query === undefined || !MAGNET_TOPIC.test(query)) {
    return bad('a magnet link must carry an xt=urn:btih: (or urn:btmh:) info-hash');
  }
  return ok({ url: `magnet:?${query}`, kind: 'torrent', scheme: 'magnet' });
}
