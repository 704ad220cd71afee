import { DeleteObjectsCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runPrefix } from '../../application/cleanup/runPrefix.js';
import { S3RunArtifacts } from '../../adapters/s3/S3RunArtifacts.js';

/** The exact requests S3RunArtifacts sends, and how it reads S3's per-key refusals. */
const s3 = mockClient(S3Client);
const prefix = runPrefix('job-abc123')._unsafeUnwrap();

const objects = (from: number, count: number, size = 10) =>
  Array.from({ length: count }, (_, i) => ({ Key: `runs/job-abc123/f${from + i}`, Size: size }));

beforeEach(() => s3.reset());

describe('S3RunArtifacts', () => {
  it('lists page by page with the continuation token and deletes each page in one quiet batch', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({ Contents: objects(0, 1000), IsTruncated: true, NextContinuationToken: 'tok-2' });
    s3.on(ListObjectsV2Command, { ContinuationToken: 'tok-2' }).resolves({ Contents: objects(1000, 3), IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});

    const deletion = await new S3RunArtifacts(new S3Client({}), 'artifacts').deleteUnder(prefix);

    expect(deletion).toEqual({ objectsDeleted: 1003, bytesFreed: 10_030, failures: [] });
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'artifacts', Prefix: 'runs/job-abc123/', ContinuationToken: undefined, MaxKeys: 1000 },
      { Bucket: 'artifacts', Prefix: 'runs/job-abc123/', ContinuationToken: 'tok-2', MaxKeys: 1000 },
    ]);
    const deletes = s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input);
    expect(deletes.map((d) => d.Delete?.Objects?.length)).toEqual([1000, 3]);
    expect(deletes[1]).toEqual({
      Bucket: 'artifacts',
      Delete: { Objects: [{ Key: 'runs/job-abc123/f1000' }, { Key: 'runs/job-abc123/f1001' }, { Key: 'runs/job-abc123/f1002' }], Quiet: true },
    });
  });

  it('reports each key S3 refused, counts only the others, and sweeps on', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({ Contents: objects(0, 3, 100), IsTruncated: true, NextContinuationToken: 't' });
    s3.on(ListObjectsV2Command, { ContinuationToken: 't' }).resolves({ Contents: objects(3, 2, 100), IsTruncated: false });
    s3.on(DeleteObjectsCommand)
      .resolvesOnce({ Errors: [{ Key: 'runs/job-abc123/f1', Code: 'AccessDenied', Message: 'Access Denied' }] })
      .resolvesOnce({ Errors: [{ Key: 'runs/job-abc123/f4', Code: 'InternalError', Message: 'We encountered an internal error.' }] });

    const deletion = await new S3RunArtifacts(new S3Client({}), 'artifacts').deleteUnder(prefix);

    expect(deletion).toEqual({
      objectsDeleted: 3,
      bytesFreed: 300,
      failures: [
        { key: 'runs/job-abc123/f1', code: 'AccessDenied', message: 'Access Denied' },
        { key: 'runs/job-abc123/f4', code: 'InternalError', message: 'We encountered an internal error.' },
      ],
    });
  });

  it('sends no DeleteObjects for an empty run', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });

    const deletion = await new S3RunArtifacts(new S3Client({}), 'artifacts').deleteUnder(prefix);

    expect(deletion).toEqual({ objectsDeleted: 0, bytesFreed: 0, failures: [] });
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('ignores listed keys outside the prefix (an engine that misreads Prefix must not widen the sweep)', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [...objects(0, 1), { Key: 'runs/job-abc1234/x', Size: 5 }], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});

    await new S3RunArtifacts(new S3Client({}), 'artifacts').deleteUnder(prefix);

    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete?.Objects).toEqual([{ Key: 'runs/job-abc123/f0' }]);
  });

  it('rejects when listing or a whole batch fails, so the task is retried', async () => {
    const denied = new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'Access Denied' });
    s3.on(ListObjectsV2Command).rejects(denied);

    await expect(new S3RunArtifacts(new S3Client({}), 'artifacts').deleteUnder(prefix)).rejects.toThrow('Access Denied');

    s3.reset();
    s3.on(ListObjectsV2Command).resolves({ Contents: objects(0, 2), IsTruncated: false });
    s3.on(DeleteObjectsCommand).rejects(new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: {}, message: 'Slow Down' }));

    await expect(new S3RunArtifacts(new S3Client({}), 'artifacts').deleteUnder(prefix)).rejects.toThrow('Slow Down');
  });

  it('honours a smaller page size, never a larger one than S3 allows', async () => {
    s3.on(ListObjectsV2Command).resolves({ IsTruncated: false });

    await new S3RunArtifacts(new S3Client({}), 'artifacts', { pageSize: 7 }).deleteUnder(prefix);
    await new S3RunArtifacts(new S3Client({}), 'artifacts', { pageSize: 5000 }).deleteUnder(prefix);

    expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.MaxKeys)).toEqual([7, 1000]);
  });
});
