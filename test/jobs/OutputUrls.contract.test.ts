import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputUrls } from '../../application/ports/OutputUrls.js';
import { InMemoryOutputUrls } from '../../adapters/memory/InMemoryOutputUrls.js';
import { S3OutputUrls } from '../../adapters/s3/S3OutputUrls.js';
import { startS3rver, type RunningS3rver } from '../support/s3rverLocal.js';

const BUCKET = 'outputs';

/** What a link points at, as its adapter writes links. */
interface Link {
  readonly bucket: string;
  readonly key: string;
  readonly expiresInSeconds: number;
}

interface Harness {
  readonly urls: OutputUrls;
  read(url: string): Link;
}

let s3: RunningS3rver;
beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
}, 60_000);
afterAll(() => s3?.stop());

const harnesses: [string, () => Harness][] = [
  [
    'InMemoryOutputUrls',
    () => ({
      urls: new InMemoryOutputUrls(BUCKET),
      // https://<bucket>.s3.local/<key>?expires=<s>
      read: (url) => {
        const u = new URL(url);
        expect(u.hostname).toMatch(/\.s3\.local$/);
        return {
          bucket: u.hostname.replace(/\.s3\.local$/, ''),
          key: decodeURIComponent(u.pathname.slice(1)),
          expiresInSeconds: Number(u.searchParams.get('expires')),
        };
      },
    }),
  ],
  [
    'S3OutputUrls (s3rver)',
    () => ({
      urls: new S3OutputUrls(s3.client(), BUCKET),
      // Path-style SigV4 query link on the s3rver endpoint: <endpoint>/<bucket>/<key>?X-Amz-Expires=<s>&X-Amz-Signature=…
      read: (url) => {
        const u = new URL(url);
        expect(u.origin).toBe(s3.endpoint);
        expect(u.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
        const [, bucket = '', ...key] = u.pathname.split('/');
        return {
          bucket: decodeURIComponent(bucket),
          key: decodeURIComponent(key.join('/')),
          expiresInSeconds: Number(u.searchParams.get('X-Amz-Expires')),
        };
      },
    }),
  ],
];

describe.each(harnesses)('OutputUrls contract: %s', (_name, make) => {
  it.each([
    ['an s3:// URI of the output bucket', `s3://${BUCKET}/videos/job-1/final.mp4`],
    ['a bare key', 'videos/job-1/final.mp4'],
  ])('gives a link to the object for %s, with its expiry', async (_what, uri) => {
    const h = make();

    const url = (await h.urls.presign(uri, 600));

    expect(url).toEqual(expect.any(String));
    expect(h.read(url!)).toEqual({ bucket: BUCKET, key: 'videos/job-1/final.mp4', expiresInSeconds: 600 });
  });

  it('carries the expiry it was asked for', async () => {
    const h = make();

    const short = (await h.urls.presign('a.mp4', 60))!;
    const long = (await h.urls.presign('a.mp4', 604_800))!;

    expect([h.read(short).expiresInSeconds, h.read(long).expiresInSeconds]).toEqual([60, 604_800]);
  });

  it.each(['videos/final cut.mp4', 'vidéos/ünï cödé 🎬.mp4', 'videos/a+b&c=d;e,f.mp4', 'videos/take #2?.mp4', 'videos/100%.mp4'])(
    'names the object exactly when the key has spaces, non-ASCII or reserved characters: %j',
    async (key) => {
      const h = make();

      const fromUri = (await h.urls.presign(`s3://${BUCKET}/${key}`, 300))!;
      const fromKey = (await h.urls.presign(key, 300))!;

      expect(h.read(fromUri)).toEqual({ bucket: BUCKET, key, expiresInSeconds: 300 });
      expect(h.read(fromKey)).toEqual({ bucket: BUCKET, key, expiresInSeconds: 300 });
    },
  );

  it.each([
    ['another bucket', 's3://other/videos/final.mp4'],
    ['a bucket whose name starts like the output bucket', `s3://${BUCKET}-archive/videos/final.mp4`],
    ['the output bucket without a key', `s3://${BUCKET}/`],
    ['the output bucket without a slash', `s3://${BUCKET}`],
    ['an s3:// URI without a bucket', 's3:///videos/final.mp4'],
    ['an https URL', `https://${BUCKET}.s3.amazonaws.com/videos/final.mp4`],
    ['an absolute path', '/videos/final.mp4'],
    ['an empty string', ''],
    ['blanks', '   '],
  ])('gives no link (undefined) for %s: %j', async (_what, uri) => {
    const h = make();

    expect(await h.urls.presign(uri, 600)).toBeUndefined();
  });
});

describe('S3OutputUrls links on s3rver', () => {
  it.each(['videos/take #2?.mp4', 'vidéos/a+b&c=d 100%.mp4'])('the link for %j downloads that object', async (key) => {
    await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `bytes of ${key}` }));

    const url = (await new S3OutputUrls(s3.client(), BUCKET).presign(`s3://${BUCKET}/${key}`, 600))!;
    const response = await fetch(url);

    expect([response.status, await response.text()]).toEqual([200, `bytes of ${key}`]);
  });
});
