import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJobSource } from '../../domain/dispatch/JobSource.js';
import { forbiddenHostReason, normaliseHost } from '../../domain/shared/hostNormalisation.js';

/** Forbidden IPv4 ranges: [first octets, prefix length]. */
const FORBIDDEN: readonly [number, number][] = [
  [0x00000000, 8],
  [0x0a000000, 8],
  [0x64400000, 10],
  [0x7f000000, 8],
  [0xa9fe0000, 16],
  [0xac100000, 12],
  [0xc0a80000, 16],
  [0xc0000000, 24],
  [0xc6120000, 15],
  [0xe0000000, 3],
];

const forbiddenIpv4 = fc
  .tuple(fc.constantFrom(...FORBIDDEN), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([[net, bits], noise]) => (net | (noise & (bits === 32 ? 0 : 0xffffffff >>> bits))) >>> 0);

/** A public address, in /8s far from every forbidden range. */
const publicIpv4 = fc.constantFrom(8, 9, 11, 13, 20, 34, 52, 54, 99).chain((a) => fc.integer({ min: 0, max: 0xffffff }).map((rest) => ((a << 24) | rest) >>> 0));

const octets = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const hex = (n: number) => `0x${n.toString(16)}`;
const oct = (n: number) => `0${n.toString(8)}`;
const part = (n: number, style: 'dec' | 'hex' | 'oct') => (style === 'dec' ? String(n) : style === 'hex' ? hex(n) : oct(n));
const style = fc.constantFrom<'dec' | 'hex' | 'oct'>('dec', 'hex', 'oct');

/** Every spelling getaddrinfo/inet_aton and WHATWG accept for one IPv4 address. */
function ipv4Spellings(n: number): fc.Arbitrary<string> {
  const [a, b, c, d] = octets(n) as [number, number, number, number];
  return fc.oneof(
    fc.tuple(style, style, style, style).map(([s1, s2, s3, s4]) => `${part(a, s1)}.${part(b, s2)}.${part(c, s3)}.${part(d, s4)}`),
    fc.tuple(style, style, style).map(([s1, s2, s3]) => `${part(a, s1)}.${part(b, s2)}.${part((c << 8) | d, s3)}`),
    fc.tuple(style, style).map(([s1, s2]) => `${part(a, s1)}.${part(n & 0xffffff, s2)}`),
    style.map((s) => part(n, s)),
  ).chain((host) => fc.constantFrom(host, `${host}.`, host.toUpperCase()));
}

/** The same address inside IPv6: mapped, compatible, NAT64 (hex and dotted tails), expanded. */
function ipv6Embeddings(n: number): fc.Arbitrary<string> {
  const [a, b, c, d] = octets(n);
  const hi = ((n >>> 16) & 0xffff).toString(16);
  const lo = (n & 0xffff).toString(16);
  const dotted = `${a}.${b}.${c}.${d}`;
  return fc.constantFrom(
    `[::ffff:${dotted}]`,
    `[::ffff:${hi}:${lo}]`,
    `[0:0:0:0:0:ffff:${dotted}]`,
    `[::${dotted}]`,
    `[64:ff9b::${dotted}]`,
    `[64:ff9b::${hi}:${lo}]`,
    `[64:ff9b:0:0:0:0:${hi}:${lo}]`,
    `[::ffff:0:${dotted}]`,
    `[2002:${hi}:${lo}::1]`,
  );
}

const anyForbiddenHost = fc.oneof(
  forbiddenIpv4.chain(ipv4Spellings),
  forbiddenIpv4.filter((n) => n !== 0).chain(ipv6Embeddings),
  fc.constantFrom('[::1]', '[::]', '[fe80::1]', '[fd00:ec2::254]', '[fc00::1]', '[ff02::1]', '[fec0::1]', '[64:ff9b:1::1]'),
  fc.constantFrom('localhost', 'LOCALHOST.', 'a.localhost', 'ⓛocalhost', 'metadata', 'instance-data', 'db.internal', 'printer.local'),
);

const schemes = fc.constantFrom('http', 'https', 'rtmp', 'rtmps');

describe('SSRF: one host normalisation for every scheme', () => {
  it.each([
    'rtmp://2852039166/live',
    'rtmp://0x7f.1/',
    'rtmp://0177.0.0.1/',
    'rtmp://127.1/',
    'http://localhost./',
    'rtmp://169.254.169.254./',
    'http://[::127.0.0.1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://100.64.0.1/',
    'http://0.1.2.3/',
    'magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&ws=http%3A%2F%2F169.254.169.254%2F',
    'magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&tr=udp%3A%2F%2F127.1%3A6969',
    'magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&x.pe=10.0.0.1:6881',
  ])('refuses %s (an example of issue 12)', (url) => {
    const r = parseJobSource(url);
    expect(r.isErr() && r.error.issues[0]?.message).toMatch(/^(must not point at|[a-z.]+= in a magnet link must not point at)/);
  });

  it('refuses every generated spelling of a forbidden address, under every scheme', () => {
    fc.assert(
      fc.property(schemes, anyForbiddenHost, fc.constantFrom('', ':1935', ':8080'), (scheme, host, port) => {
        const r = parseJobSource(`${scheme}://${host}${port}/live/stream`);
        expect(r.isErr()).toBe(true);
      }),
      { numRuns: 2000, seed: 12 },
    );
  });

  it('accepts public addresses in any of those spellings (the check is not just "refuse numbers")', () => {
    fc.assert(
      fc.property(schemes, publicIpv4.chain(ipv4Spellings), (scheme, host) => {
        const r = parseJobSource(`${scheme}://${host}/live`);
        expect(r.isOk()).toBe(true);
      }),
      { numRuns: 500, seed: 12 },
    );
  });

  it('reads each spelling as the address it means', () => {
    expect(normaliseHost('2852039166')).toEqual({ kind: 'ipv4', address: 0xa9fea9fe });
    expect(normaliseHost('0x7f.1')).toEqual({ kind: 'ipv4', address: 0x7f000001 });
    expect(normaliseHost('localhost.')).toEqual({ kind: 'name', name: 'localhost' });
    expect(normaliseHost('[::ffff:7f00:1]')).toEqual({ kind: 'ipv6', groups: [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1] });
    expect(normaliseHost('a..b')).toBeUndefined();
    expect(forbiddenHostReason({ kind: 'name', name: 'media.example.com' })).toBeUndefined();
  });
});
