import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { isRunFolder } from '../../application/cleanup/runPrefix.js';
import type { ArtifactDeletion, ArtifactNotDeleted, ArtifactPrefix, RunArtifacts } from '../../application/ports/RunArtifacts.js';

/** S3's ceiling for both one ListObjectsV2 page and one DeleteObjects request. */
const S3_BATCH_LIMIT = 1000;

export interface S3RunArtifactsOptions {
  /** Keys per listing page (and so per delete batch); at most 1000. Smaller only in tests. */
  readonly pageSize?: number;
}

interface Listed {
  readonly key: string;
  readonly size: number;
}

/**
 * Run artifacts in an S3 bucket. One sweep lists the prefix page by page (ListObjectsV2 with
 * its continuation token) and deletes each page with one DeleteObjects of up to 1000 keys in
 * quiet mode, so the answer carries only the keys S3 refused. A refused key is reported and
 * the sweep goes on; a failed call (listing, or a whole batch) rejects, so the caller retries
 * and the next sweep finds only what is left.
 *
 * On a versioned bucket DeleteObjects adds delete markers; noncurrent versions stay until a
 * lifecycle rule expires them, so `bytesFreed` is what left the current view.
 */
export class S3RunArtifacts implements RunArtifacts {
  private readonly pageSize: number;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    options: S3RunArtifactsOptions = {},
  ) {
    this.pageSize = Math.min(options.pageSize ?? S3_BATCH_LIMIT, S3_BATCH_LIMIT);
  }

  async deleteUnder(prefix: ArtifactPrefix): Promise<ArtifactDeletion> {
    // The type says the prefix is one run's folder; a cast somewhere must not empty the bucket.
    if (!isRunFolder(prefix)) throw new RangeError(`refusing to delete under ${JSON.stringify(prefix)}: not one run's folder`);
    let objectsDeleted = 0;
    let bytesFreed = 0;
    const failures: ArtifactNotDeleted[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: this.pageSize }),
      );
      const listed: Listed[] = (page.Contents ?? [])
        .filter((o) => o.Key !== undefined && o.Key.startsWith(prefix))
        .map((o) => ({ key: o.Key!, size: o.Size ?? 0 }));
      for (let i = 0; i < listed.length; i += S3_BATCH_LIMIT) {
        const batch = await this.deleteBatch(listed.slice(i, i + S3_BATCH_LIMIT));
        objectsDeleted += batch.objectsDeleted;
        bytesFreed += batch.bytesFreed;
        failures.push(...batch.failures);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { objectsDeleted, bytesFreed, failures };
  }

  private async deleteBatch(objects: readonly Listed[]): Promise<ArtifactDeletion> {
    const output = await this.client.send(
      new DeleteObjectsCommand({
        Bucket: this.bucket,
        Delete: { Objects: objects.map((o) => ({ Key: o.key })), Quiet: true },
      }),
    );
    const refused = new Map(
      (output.Errors ?? []).map((e) => [
        e.Key ?? '',
        { key: e.Key ?? '', code: e.Code ?? 'Unknown', message: e.Message ?? '' } satisfies ArtifactNotDeleted,
      ]),
    );
    let objectsDeleted = 0;
    let bytesFreed = 0;
    for (const o of objects) {
      if (refused.has(o.key)) continue;
      objectsDeleted += 1;
      bytesFreed += o.size;
    }
    return { objectsDeleted, bytesFreed, failures: [...refused.values()] };
  }
}
