/**
 * One reading of a URL's host for every scheme, so a forbidden address cannot slip through in
 * another spelling. WHATWG URL parsing canonicalises hosts only for "special" schemes (http,
 * https, ws, ftp…): for `rtmp://2852039166/` the host stays the opaque text `2852039166`, which
 * `getaddrinfo` (and so ffmpeg or a BitTorrent client) reads as 169.254.169.254. Here every
 * host is re-read the way an http URL's would be, which covers decimal, hex, octal and short
 * IPv4 forms (`0x7f.1`, `0177.0.0.1`, `127.1`), percent-escapes, IDNA mapping (`ⓛocalhost`),
 * trailing dots and IPv6 spellings; IPv4 addresses embedded in IPv6 (`::ffff:a.b.c.d`,
 * `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4, Teredo) are judged as the IPv4 address they carry.
 *
 * Only literal addresses and reserved names can be judged here. A public DNS name that
 * resolves to a private address must be stopped by the network (task security groups, no
 * route to the metadata endpoint): this check is the first layer, not the only one.
 */
export type NormalisedHost =
  | { readonly kind: 'ipv4'; readonly address: number }
  | { readonly kind: 'ipv6'; readonly groups: readonly number[] }
  | { readonly kind: 'name'; readonly name: string };

/**
 * The canonical form of `host` (a URL's hostname, bracketed for IPv6), or `undefined` when it
 * is not a host at all.
 *
 * @example
 * normaliseHost('0x7f.1')      // { kind: 'ipv4', address: 0x7f000001 }
 * normaliseHost('localhost.')  // { kind: 'name', name: 'localhost' }
 */
export function normaliseHost(host: string): NormalisedHost | undefined {
  if (host === '' || /[\s/?#@\\]/.test(host)) return undefined;
  let canonical: string;
  try {
    canonical = new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
  if (canonical.startsWith('[')) {
    const groups = parseIpv6(canonical.slice(1, -1));
    return groups && { kind: 'ipv6', groups };
  }
  const ipv4 = parseDottedQuad(canonical);
  if (ipv4 !== undefined) return { kind: 'ipv4', address: ipv4 };
  const name = canonical.replace(/\.+$/, '');
  if (name === '' || name.split('.').some((label) => label === '')) return undefined;
  // A trailing dot may have hidden a numeric form: `127.1.` is canonicalised only without it.
  const again = parseDottedQuad(name);
  return again === undefined ? { kind: 'name', name } : { kind: 'ipv4', address: again };
}

/** IPv4 ranges no source may point at: [network, prefix length, what it is]. */
const FORBIDDEN_IPV4: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, '"this network" (0.0.0.0/8)'],
  ['10.0.0.0', 8, 'a private address (10.0.0.0/8)'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address (100.64.0.0/10)'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address (where instance and task metadata live)'],
  ['172.16.0.0', 12, 'a private address (172.16.0.0/12)'],
  ['192.0.0.0', 24, 'an IETF protocol address (192.0.0.0/24)'],
  ['192.168.0.0', 16, 'a private address (192.168.0.0/16)'],
  ['198.18.0.0', 15, 'a benchmarking address (198.18.0.0/15)'],
  ['224.0.0.0', 3, 'a multicast, reserved or broadcast address'],
];

/** Names that always mean "this machine" or "this private network". */
const FORBIDDEN_NAME = /(?:^|\.)(?:localhost|local|internal|home\.arpa|localdomain)$|^instance-data(?:\.|$)/;

/**
 * Why a client must not be sent to `host`, or `undefined` when it may. A single-label name
 * (`metadata`, `intranet`) is refused too: the VPC's search domains decide what it reaches.
 */
export function forbiddenHostReason(host: NormalisedHost): string | undefined {
  switch (host.kind) {
    case 'ipv4':
      return forbiddenIpv4(host.address);
    case 'ipv6':
      return forbiddenIpv6(host.groups);
    case 'name':
      if (FORBIDDEN_NAME.test(host.name)) return 'a name reserved for local or private networks';
      if (!host.name.includes('.')) return 'a single-label name (give a fully qualified domain name)';
      return undefined;
  }
}

function forbiddenIpv4(address: number): string | undefined {
  for (const [network, bits, what] of FORBIDDEN_IPV4) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if (((address & mask) >>> 0) === parseDottedQuad(network)) return what;
  }
  return undefined;
}

function forbiddenIpv6(g: readonly number[]): string | undefined {
  const v4 = (hi: number, lo: number) => ((g[hi]! << 16) | g[lo]!) >>> 0;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const embedded = (address: number, how: string) => {
    const reason = forbiddenIpv4(address);
    return reason && `${reason}, embedded in IPv6 (${how})`;
  };
  if (zero(0, 8)) return 'the unspecified address (::)';
  if (zero(0, 7) && g[7] === 1) return 'a loopback address (::1)';
  if (zero(0, 5) && g[5] === 0xffff) return embedded(v4(6, 7), 'IPv4-mapped ::ffff:0:0/96');
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return embedded(v4(6, 7), 'IPv4-translated ::ffff:0:0:0/96');
  if (zero(0, 6)) return embedded(v4(6, 7), 'IPv4-compatible ::/96');
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return embedded(v4(6, 7), 'NAT64 64:ff9b::/96');
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'a local-use NAT64 address (64:ff9b:1::/48)';
  if (g[0] === 0x2002) return embedded(v4(1, 2), '6to4 2002::/16');
  if (g[0] === 0x2001 && g[1] === 0) {
    return embedded(v4(2, 3), 'Teredo server') ?? embedded((~v4(6, 7)) >>> 0, 'Teredo client');
  }
  if (g[0] === 0x100 && zero(1, 4)) return 'a discard-only address (100::/64)';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'a unique-local address (fc00::/7)';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'a link-local address (fe80::/10)';
  if ((g[0]! & 0xffc0) === 0xfec0) return 'a site-local address (fec0::/10)';
  if ((g[0]! & 0xff00) === 0xff00) return 'a multicast address (ff00::/8)';
  return undefined;
}

/** `a.b.c.d` with decimal parts 0-255 (the canonical form WHATWG parsing produces) as a uint32. */
function parseDottedQuad(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** The eight 16-bit groups of an IPv6 address as WHATWG serialises it (compressed hex, no dotted tail). */
function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const part = (s: string) => (s === '' ? [] : s.split(':').map((h) => (/^[0-9a-f]{1,4}$/i.test(h) ? parseInt(h, 16) : NaN)));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 0) return undefined;
  const groups = [...head, ...Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  return groups.length === 8 && groups.every((x) => Number.isInteger(x)) ? groups : undefined;
}
