import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PresignedUrls, SegmentObjects } from '../../application/ports/PresignedUrls.js';

/** Presigns with the function's own credentials: no network call, one hop fewer than a presign Lambda. */
export class S3PresignedUrls implements PresignedUrls {
  constructor(private readonly s3: S3Client) {}

  async forSegment(o: SegmentObjects): Promise<{ inputUrl: string; outputUrl: string }> {
    const expiresIn = o.expiresSecs;
    const [inputUrl, outputUrl] = await Promise.all([
      getSignedUrl(this.s3, new GetObjectCommand({ Bucket: o.bucket, Key: o.inputKey }), { expiresIn }),
      getSignedUrl(this.s3, new PutObjectCommand({ Bucket: o.bucket, Key: o.outputKey }), { expiresIn }),
    ]);
    return { inputUrl, outputUrl };
  }
}
