import { err, ok, type Result } from 'neverthrow';
import { forbiddenHostReason, normaliseHost } from '../shared/hostNormalisation.js';
import { invalidField, type InvalidInput } from '../shared/InvalidInput.js';
import { isWellFormedText } from '../shared/storableLimits.js';

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
const MAX_URL_LENGTH = 2048;

/** A BitTorrent info-hash: 40 hex (v1), 32 base32 (v1), or a multihash `btmh:` (v2). */
const MAGNET_TOPIC = /(?:^|&)xt=urn:(?:btih:(?:[0-9a-f]{40}|[a-z2-7]{32})|btmh:1220[0-9a-f]{64})(?:&|$)/i;

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
  if (/[\u0000-\u001f\u007f\s]/.test(url)) return bad('must not contain whitespace or control characters');
  if (!isWellFormedText(url)) return bad('must be valid Unicode text (it holds a lone surrogate)');
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
  const hostProblem = hostProblemOf(parsed.hostname);
  if (hostProblem) return bad(hostProblem);
  const kind: SourceKind = isTorrentFile(scheme, parsed.pathname) ? 'torrent' : 'stream';
  return ok({ url: parsed.href, kind, scheme });
}

/** Why a URL's host may not be fetched, or `undefined`: the same judgement for every scheme. */
function hostProblemOf(hostname: string): string | undefined {
  const host = normaliseHost(hostname);
  if (host === undefined) return 'must name a valid host';
  const reason = forbiddenHostReason(host);
  return reason && `must not point at ${reason}`;
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
  // Trackers, web seeds and sources are URLs the client will fetch; x.pe names peers it will dial.
  for (const pair of query.split('&')) {
    const [name = '', raw = ''] = pair.split('=', 2);
    const key = name.toLowerCase().replace(/\.\d+$/, '');
    if (!['tr', 'ws', 'xs', 'as', 'x.pe'].includes(key)) continue;
    const value = decodeURIComponentSafe(raw.replace(/\+/g, ' '));
    const problem = key === 'x.pe' ? peerProblem(value) : magnetUrlProblem(value);
    if (problem) return bad(`${key}= in a magnet link ${problem}`);
  }
  return ok({ url: `magnet:?${query}`, kind: 'torrent', scheme: 'magnet' });
}

function magnetUrlProblem(value: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return 'must be a valid URL';
  }
  if (!['http:', 'https:', 'udp:', 'ws:', 'wss:'].includes(parsed.protocol)) return 'must be an http(s), udp or ws(s) URL';
  if (parsed.username !== '' || parsed.password !== '') return 'must not carry credentials';
  return hostProblemOf(parsed.hostname);
}

/** `x.pe=host:port`: the host judged like any URL's. */
function peerProblem(value: string): string | undefined {
  const host = /^(\[[^\]]*\]|[^:]*)(?::\d{1,5})?$/.exec(value)?.[1];
  return host === undefined ? 'must be host:port' : hostProblemOf(host);
}
