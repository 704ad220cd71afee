import fc from 'fast-check';
import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { parseJobSource } from '../../domain/dispatch/JobSource.js';
import { invalidField } from '../../domain/shared/InvalidInput.js';
import { MAGNET_URL } from './builders.js';

describe('parseJobSource', () => {
  it.each([
    ['https://example.com/stream', 'https://example.com/stream', 'stream'],
    ['  http://Example.com/live?x=1  ', 'http://example.com/live?x=1', 'stream'],
    ['rtmp://live.example.com/app/key', 'rtmp://live.example.com/app/key', 'stream'],
    ['rtmps://live.example.com:443/app/key', 'rtmps://live.example.com:443/app/key', 'stream'],
    ['https://example.com/files/ubuntu.torrent', 'https://example.com/files/ubuntu.torrent', 'torrent'],
    ['https://example.com/get/Talk.TORRENT?sig=abc', 'https://example.com/get/Talk.TORRENT?sig=abc', 'torrent'],
    ['https://example.com/a%2Etorrent', 'https://example.com/a%2Etorrent', 'torrent'],
    ['https://example.com/torrent/page.html', 'https://example.com/torrent/page.html', 'stream'],
    [MAGNET_URL, MAGNET_URL, 'torrent'],
  ])('accepts %s as a %s source', (input, url, kind) => {
    expect(parseJobSource(input)).toEqual(ok(expect.objectContaining({ url, kind })));
  });

  it('recognises magnet links by scheme and info-hash, in any letter case', () => {
    const r = parseJobSource('MAGNET:?dn=x&xt=urn:btih:MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U');
    expect(r.isOk() && r.value).toEqual({
      url: 'magnet:?dn=x&xt=urn:btih:MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U',
      kind: 'torrent',
      scheme: 'magnet',
    });
  });

  it.each([
    ['', 'must not be empty'],
    ['example.com/stream', 'must be an absolute URL with a scheme'],
    ['file:///etc/passwd', 'scheme must be one of http, https, rtmp, rtmps, magnet'],
    ['javascript:alert(1)', 'scheme must be one of http, https, rtmp, rtmps, magnet'],
    ['s3://bucket/key', 'scheme must be one of http, https, rtmp, rtmps, magnet'],
    ['https://exa mple.com/', 'must not contain whitespace or control characters'],
    ['https://example.com/\nInjected: header', 'must not contain whitespace or control characters'],
    ['https://user:secret@example.com/live', 'must not carry credentials (user:password@); give the container its credentials another way'],
    ['http://169.254.169.254/latest/meta-data/', 'must not point at a link-local address (where instance and task metadata live)'],
    ['http://169.254.170.2/v2/credentials', 'must not point at a link-local address (where instance and task metadata live)'],
    ['http://localhost:8080/', 'must not point at a name reserved for local or private networks'],
    ['http://127.0.0.1/', 'must not point at a loopback address'],
    ['http://10.1.2.3/', 'must not point at a private address (10.0.0.0/8)'],
    ['http://172.20.0.1/', 'must not point at a private address (172.16.0.0/12)'],
    ['http://192.168.1.1/', 'must not point at a private address (192.168.0.0/16)'],
    ['http://[::1]/', 'must not point at a loopback address (::1)'],
    ['http://[fd00::1]/', 'must not point at a unique-local address (fc00::/7)'],
    ['https://', 'must be a valid URL'],
    ['magnet:?dn=no-hash', 'a magnet link must carry an xt=urn:btih: (or urn:btmh:) info-hash'],
    ['magnet:?xt=urn:btih:nothex', 'a magnet link must carry an xt=urn:btih: (or urn:btmh:) info-hash'],
    [`https://example.com/${'a'.repeat(2048)}`, 'must be at most 2048 characters'],
  ])('refuses %j: %s', (input, message) => {
    expect(parseJobSource(input)).toEqual(err(invalidField('url', message)));
  });

  it('accepts public hosts that merely look like private ranges', () => {
    expect(parseJobSource('http://172.32.0.1/').isOk()).toBe(true);
    expect(parseJobSource('http://10.example.com/').isOk()).toBe(true);
  });

  it('never hands the container a URL with whitespace, control characters or credentials (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.webUrl({ withQueryParameters: true }), (junk, url) => {
        for (const input of [junk, url, `${url}${junk}`]) {
          const r = parseJobSource(input);
          if (r.isErr()) continue;
          expect(r.value.url).not.toMatch(/[\s\u0000-\u001f\u007f]/);
          expect(new URL(r.value.url).username).toBe('');
          expect(['http', 'https', 'rtmp', 'rtmps', 'magnet']).toContain(r.value.scheme);
        }
      }),
      { numRuns: 200 },
    );
  });
});
