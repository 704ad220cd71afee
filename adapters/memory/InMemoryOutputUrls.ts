import type { OutputUrls } from '../../application/ports/OutputUrls.js';
import { outputKey } from '../s3/outputKey.js';

/** Fake links, `https://<bucket>.s3.local/<key>?expires=<s>`, for the same objects S3OutputUrls would sign. */
export class InMemoryOutputUrls implements OutputUrls {
  constructor(private readonly bucket: string) {}

  async presign(s3Uri: string, expiresInSeconds: number): Promise<string | undefined> {
    const key = outputKey(this.bucket, s3Uri);
    if (key === undefined) return undefined;
    return `https://${this.bucket}.s3.local/${key.split('/').map(encodeURIComponent).join('/')}?expires=${expiresInSeconds}`;
  }
}
