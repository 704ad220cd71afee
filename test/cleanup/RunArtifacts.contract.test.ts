import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrefix } from '../../application/cleanup/runPrefix.js';
import type { ArtifactPrefix, RunArtifacts } from '../../application/ports/RunArtifacts.js';
import { InMemoryRunArtifacts } from '../../adapters/memory/InMemoryRunArtifacts.js';
import { S3RunArtifacts } from '../../adapters/s3/S3RunArtifacts.js';
import { startS3rver, type RunningS3rver } from '../support/s3rverLocal.js';

/** A bucket the suite can fill and inspect, behind the port under test. */
interface Bucket {
  readonly artifacts: RunArtifacts;
  put(key: string, size: number): Promise<void>;
  keys(): Promise<string[]>;
}

let s3rver: RunningS3rver;
let bucketCount = 0;

async function putAll(bucket: Bucket, keys: readonly string[], size: (i: number) => number): Promise<void> {
  // Bounded parallelism: s3rver writes each object to disk.
  for (let i = 0; i < keys.length; i += 50) {
    await Promise.all(keys.slice(i, i + 50).map((key, j) => bucket.put(key, size(i + j))));
  }
}

function s3Bucket(pageSize?: number): () => Promise<Bucket> {
  return async () => {
    const client: S3Client = s3rver.client();
    const name = `artifacts-${(bucketCount += 1)}`;
    await client.send(new CreateBucketCommand({ Bucket: name }));
    return {
      artifacts: new S3RunArtifacts(client, name, pageSize === undefined ? {} : { pageSize }),
      put: async (key, size) => {
        await client.send(new PutObjectCommand({ Bucket: name, Key: key, Body: Buffer.alloc(size, 7) }));
      },
      keys: async () => {
        const keys: string[] = [];
        let token: string | undefined;
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: name, ContinuationToken: token }));
          keys.push(...(page.Contents ?? []).map((o) => o.Key!));
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        return keys.sort();
      },
    };
  };
}

function memoryBucket(): Promise<Bucket> {
  const artifacts = new InMemoryRunArtifacts();
  return Promise.resolve({
    artifacts,
    put: async (key, size) => void artifacts.put(key, size),
    keys: async () => artifacts.keys(),
  });
}

const prefixOf = (jobId: string) => runPrefix(jobId)._unsafeUnwrap();

beforeAll(async () => {
  s3rver = await startS3rver();
});

afterAll(async () => {
  await s3rver?.stop();
});

describe.each([
  ['InMemoryRunArtifacts', memoryBucket],
  ['S3RunArtifacts (s3rver)', s3Bucket()],
  ['S3RunArtifacts (s3rver, pages of 7)', s3Bucket(7)],
] as const)('RunArtifacts contract: %s', (_name, make) => {
  it("deletes every object under the run's folder and nothing else, reporting objects and bytes", async () => {
    const bucket = await make();
    await putAll(bucket, ['runs/job-1/a.png', 'runs/job-1/audio/seg_001.mp3', 'runs/job-1/video/out.mp4'], (i) => [10, 200, 3000][i]!);
    await putAll(bucket, ['runs/job-10/keep.png', 'runs/job-1', 'runs/job-2/keep.png', 'other/runs/job-1/keep.png'], () => 5);

    const deletion = await bucket.artifacts.deleteUnder(prefixOf('job-1'));

    expect(deletion).toEqual({ objectsDeleted: 3, bytesFreed: 3210, failures: [] });
    expect(await bucket.keys()).toEqual(['other/runs/job-1/keep.png', 'runs/job-1', 'runs/job-10/keep.png', 'runs/job-2/keep.png']);
  });

  it('answers zeros for a run with no artifacts, and for a second sweep (idempotent)', async () => {
    const bucket = await make();
    await putAll(bucket, ['runs/job-3/a', 'runs/job-3/b'], () => 1);

    const first = await bucket.artifacts.deleteUnder(prefixOf('job-3'));
    const again = await bucket.artifacts.deleteUnder(prefixOf('job-3'));
    const never = await bucket.artifacts.deleteUnder(prefixOf('job-never'));

    expect(first.objectsDeleted).toBe(2);
    expect(again).toEqual({ objectsDeleted: 0, bytesFreed: 0, failures: [] });
    expect(never).toEqual({ objectsDeleted: 0, bytesFreed: 0, failures: [] });
  });

  it('deletes keys with characters that need encoding', async () => {
    const bucket = await make();
    const keys = ['runs/job-4/a b.png', 'runs/job-4/ünï cödé.txt', 'runs/job-4/x+y=z&w.json', 'runs/job-4/deep/er/still.bin'];
    await putAll(bucket, keys, () => 2);

    const deletion = await bucket.artifacts.deleteUnder(prefixOf('job-4'));

    expect(deletion).toEqual({ objectsDeleted: 4, bytesFreed: 8, failures: [] });
    expect(await bucket.keys()).toEqual([]);
  });

  it('refuses a prefix that is not exactly one run folder, even behind a cast', async () => {
    const bucket = await make();
    await putAll(bucket, ['runs/job-5/a'], () => 1);

    for (const prefix of ['', 'runs/', 'runs/job-5', 'runs/../', 'runs/*/', 'runs/a/b/']) {
      await expect(async () => bucket.artifacts.deleteUnder(prefix as ArtifactPrefix)).rejects.toThrow(RangeError);
    }
    expect(await bucket.keys()).toEqual(['runs/job-5/a']);
  });
});

describe('S3RunArtifacts on s3rver, more than one page', () => {
  it('deletes 1,250 objects across two listing pages and two DeleteObjects batches', async () => {
    const bucket = await s3Bucket()();
    const keys = Array.from({ length: 1250 }, (_, i) => `runs/job-big/seg_${String(i).padStart(5, '0')}.ts`);
    await putAll(bucket, keys, (i) => (i % 5) + 1);
    await putAll(bucket, ['runs/job-bigger/keep.ts'], () => 1);

    const deletion = await bucket.artifacts.deleteUnder(prefixOf('job-big'));

    const bytes = keys.reduce((sum, _, i) => sum + (i % 5) + 1, 0);
    expect(deletion).toEqual({ objectsDeleted: 1250, bytesFreed: bytes, failures: [] });
    expect(await bucket.keys()).toEqual(['runs/job-bigger/keep.ts']);
  }, 120_000);
});
