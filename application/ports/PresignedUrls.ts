import type { ResultAsync } from 'neverthrow';

export interface SegmentObjects {
  readonly bucket: string;
  readonly inputKey: string;
  readonly outputKey: string;
  readonly expiresSecs: number;
}

/** Time-limited URLs for one segment: GET of its input, PUT of its output. Faults throw. */
export interface PresignedUrls {
  forSegment(objects: SegmentObjects): ResultAsync<{ readonly inputUrl: string; readonly outputUrl: string }, never>;
}
