import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { okAsync, ResultAsync } from 'neverthrow';
import type { OutputUrls } from '../../application/ports/OutputUrls.js';

/**
 * The key of `s3Uri` when it names an object of `bucket`: `s3://<bucket>/<key>`, or a bare
 * key (processors may report just the key). Anything else, another bucket included, is undefined.
 */
export function outputKey(bucket: string, s3Uri: string): string | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(s3Uri);
  if (match) return match[1] === bucket ? match[2] : undefined;
  if (s3Uri.includes('://') || s3Uri.startsWith('/') || s3Uri.trim() === '') return undefined;
  return s3Uri;
}

/**
 * Presigned GET URLs (SigV4, computed locally: no network call) for objects of the output bucket.
 *
 * @example
 * const urls = new S3OutputUrls(new S3Client({}), 'video-outputs');
 * await urls.presign('s3://video-outputs/out/video.mp4', 3600); // ok('https://video-outputs.s3…X-Amz-Signature=…')
 */
export class S3OutputUrls implements OutputUrls {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  presign(s3Uri: string, expiresInSeconds: number): ResultAsync<string | undefined, never> {
    const key = outputKey(this.bucket, s3Uri);
    if (key === undefined) return okAsync(undefined);
    return ResultAsync.fromSafePromise(
      getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds }),
    );
  }
}
