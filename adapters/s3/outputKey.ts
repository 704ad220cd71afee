// Its own file, apart from S3OutputUrls: InMemoryOutputUrls reads keys the same way without loading the SDK.
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
