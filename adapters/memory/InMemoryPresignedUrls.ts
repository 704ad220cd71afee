import type { PresignedUrls, SegmentObjects } from '../../application/ports/PresignedUrls.js';

/** Recognisable fake URLs; records each request. */
export class InMemoryPresignedUrls implements PresignedUrls {
  readonly requests: SegmentObjects[] = [];

  async forSegment(objects: SegmentObjects): Promise<{ inputUrl: string; outputUrl: string }> {
    this.requests.push(objects);
    // Each path segment encoded, as S3 presigned URLs are: a key with `#` or `?` stays one key.
    const path = (key: string) => key.split('/').map(encodeURIComponent).join('/');
    const url = (key: string, method: string) =>
      `https://${objects.bucket}.s3.local/${path(key)}?X-Method=${method}&X-Amz-Expires=${objects.expiresSecs}`;
    return { inputUrl: url(objects.inputKey, 'GET'), outputUrl: url(objects.outputKey, 'PUT') };
  }
}
