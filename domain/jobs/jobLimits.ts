/**
 * The largest job spec Baton accepts, as UTF-8 JSON. An SQS message holds 256 KiB and a
 * DynamoDB item 400 KB; the spec travels in both, with an envelope, so it stays well below.
 */
export const MAX_JOB_SPEC_BYTES = 200 * 1024;

/**
 * Job ids the job API reads from outside: UUIDs (what submit-job makes) and the ids other
 * writers of the jobs table use (letters, digits, `_ . : -`); never `#`, which marks internal items.
 */
export const JOB_API_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** Idempotency keys: printable ASCII, as HTTP header values are. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Presigned output links live this long unless configured otherwise. */
export const DEFAULT_OUTPUT_URL_SECONDS = 3600;
