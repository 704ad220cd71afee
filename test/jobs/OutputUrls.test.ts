import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryOutputUrls } from '../../adapters/memory/InMemoryOutputUrls.js';
import { outputKey } from '../../adapters/s3/outputKey.js';
import { S3OutputUrls } from '../../adapters/s3/S3OutputUrls.js';
import { startS3rver, type RunningS3rver } from '../support/s3rverLocal.js';

describe('outputKey', () => {
  it.each([
    ['s3://outputs/videos/a.mp4', 'videos/a.mp4'],
    ['videos/a.mp4', 'videos/a.mp4'],
    ['s3://other/videos/a.mp4', undefined],
    ['https://evil.example/a.mp4', undefined],
    ['/abs/a.mp4', undefined],
    ['', undefined],
    ['s3://outputs/', undefined],
  ])('%j → %j', (uri, key) => {
    expect(outputKey('outputs', uri)).toBe(key);
  });
});

describe('S3OutputUrls against s3rver', () => {
  let s3: RunningS3rver;
  beforeAll(async () => {
    s3 = await startS3rver(['outputs']);
    await s3.client().send(new PutObjectCommand({ Bucket: 'outputs', Key: 'videos/final cut.mp4', Body: 'video-bytes' }));
  }, 60_000);
  afterAll(() => s3?.stop());

  it('signs a GET link that downloads the output', async () => {
    const url = (await new S3OutputUrls(s3.client(), 'outputs').presign('s3://outputs/videos/final cut.mp4', 600))!;

    const response = await fetch(url);

    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('600');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('video-bytes');
  });

  it('signs nothing outside its bucket', async () => {
    expect(await new S3OutputUrls(s3.client(), 'outputs').presign('s3://secrets/key', 600)).toBeUndefined();
  });

  it('agrees with the in-memory fake on what gets a link', async () => {
    for (const uri of ['s3://outputs/a.mp4', 'a.mp4', 's3://other/a.mp4']) {
      const real = (await new S3OutputUrls(s3.client(), 'outputs').presign(uri, 60));
      const fake = (await new InMemoryOutputUrls('outputs').presign(uri, 60));
      expect(real === undefined).toBe(fake === undefined);
    }
  });
});
