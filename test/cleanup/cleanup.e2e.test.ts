import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext, loadBundle } from '../support/loadBundle.js';
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from '../support/s3rverLocal.js';

/** The cleanup bundle as deployed, with its own bundled SDK, against s3rver. */
const saved = { ...process.env };
let s3rver: RunningS3rver;
let s3: S3Client;

beforeAll(async () => {
  s3rver = await startS3rver(['manga-artifacts']);
  s3 = s3rver.client();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3rver.endpoint,
    LOG_LEVEL: 'ERROR',
  });
});

afterAll(async () => {
  // Put the environment back in place (process.env must stay Node's own object).
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  await s3rver?.stop();
});

async function coldStart(env: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const handler = await loadBundle('cleanup');
  return (event: unknown) => handler(event, lambdaContext);
}

async function keys(bucket: string): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}

describe('cleanup (bundle on s3rver)', () => {
  it('empties runs/{job_id}/ in ARTIFACTS_BUCKET and answers seed 003\'s shape', async () => {
    const put = (key: string, size: number) =>
      s3.send(new PutObjectCommand({ Bucket: 'manga-artifacts', Key: key, Body: Buffer.alloc(size, 1) }));
    await Promise.all([
      put('runs/job-abc123/panels/001.png', 1024),
      put('runs/job-abc123/audio/seg_001.mp3', 2048),
      put('runs/job-abc123/video/final.mp4', 4096),
      put('runs/job-abc1234/keep.png', 8),
    ]);
    const cleanup = await coldStart({ ARTIFACTS_BUCKET: 'manga-artifacts' });

    const out = await cleanup({ job_id: 'job-abc123' });
    const again = await cleanup({ job_id: 'job-abc123' });

    expect(out).toEqual({ job_id: 'job-abc123', objects_deleted: 3, bytes_freed: 7168 });
    expect(again).toEqual({ job_id: 'job-abc123', objects_deleted: 0, bytes_freed: 0 });
    expect(await keys('manga-artifacts')).toEqual(['runs/job-abc1234/keep.png']);
  });

  it('refuses a job id that would widen the prefix, deleting nothing', async () => {
    const cleanup = await coldStart({ ARTIFACTS_BUCKET: 'manga-artifacts' });

    for (const job_id of ['', '..', '/', '*', 'job 1']) {
      await expect(cleanup({ job_id })).rejects.toMatchObject({ name: 'InvalidInput' });
    }
    expect(await keys('manga-artifacts')).toEqual(['runs/job-abc1234/keep.png']);
  });

  it("fails the task with S3's own error when the bucket does not exist", async () => {
    const cleanup = await coldStart({ ARTIFACTS_BUCKET: 'no-such-bucket' });

    await expect(cleanup({ job_id: 'job-abc123' })).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('refuses to start without ARTIFACTS_BUCKET', async () => {
    await expect(coldStart({ ARTIFACTS_BUCKET: undefined })).rejects.toThrow('cleanup: invalid configuration: ARTIFACTS_BUCKET is required');
  });
});
