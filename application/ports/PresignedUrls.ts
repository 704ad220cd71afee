export interface SegmentObjects {
  readonly bucket: string;
  readonly inputKey: string;
  readonly outputKey: string;
  readonly expiresSecs: number;
}

/** Time-limited URLs for one segment: GET of its input, PUT of its output. Faults throw. */
export interface PresignedUrls {
  forSegment(objects: SegmentObjects): Promise<{ readonly inputUrl: string; readonly outputUrl: string }>;
}
