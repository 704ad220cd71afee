/** Time-limited download links for job outputs. Faults throw. */
export interface OutputUrls {
  /**
   * A GET URL valid for `expiresInSeconds`, or undefined when `s3Uri` is not an object of the
   * output bucket (a job never gets a link into a bucket it was not configured with).
   */
  presign(s3Uri: string, expiresInSeconds: number): Promise<string | undefined>;
}
