import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { OutputUrls } from '../../application/ports/OutputUrls.js';
import { outputKey } from './outputKey.js';

/**
 * Presigned GET URLs (SigV4, computed locally: no network call) for objects of the output bucket.
 *
 * @example
 * const urls = new S3OutputUrls(new S3Client({}), 'video-outputs');
 * await urls.presign('s3://video-outputs/out/video.mp4', 3600); // 'https://video-outputs.s3…X-Amz-Signature=…')
 */
export class S3OutputUrls implements OutputUrls {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async presign(s3Uri: string, expiresInSeconds: number): Promise<string | undefined> {
    const key = outputKey(this.bucket, s3Uri);
    if (key === undefined) return undefined;
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds });
  }
}
