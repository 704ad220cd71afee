import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand, type UpdateCommandOutput } from '@aws-sdk/lib-dynamodb';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { DailyCounters } from '../../application/ports/DailyCounters.js';
import { isValidLimit } from '../../domain/quota/DailyQuota.js';
import type { JobCount, QuotaExhausted, SlotRelease } from '../../domain/quota/DayTally.js';
import { isoSeconds } from '../../domain/shared/time.js';
import { conditionalWrite, type WriteOutcome } from './conditionalWrite.js';

/** The day's item: seed 003's `date`, `count`, `updated_at`, plus the jobs that made the count. */
interface DayItem {
  readonly date: string;
  readonly count?: number;
  readonly updated_at?: string;
  /** 8-byte SHA-256 prefixes of the day's job ids (a binary set). */
  readonly job_hashes?: ReadonlySet<Uint8Array>;
  /** The job ids themselves, as items written before `job_hashes` hold them: read, never added to. */
  readonly job_ids?: ReadonlySet<string>;
}

/** Adds the job to the day's count and to the day's job set, in the same write. */
const COUNT_JOB = 'ADD #count :one, job_hashes :job SET updated_at = :now';
/** The job is not in the day yet, under either name. */
const NOT_COUNTED = 'NOT contains(job_hashes, :hash) AND NOT contains(job_ids, :job_id)';

/**
 * Bytes of SHA-256 kept per job. DynamoDB counts a binary set element as its length, so the
 * 400 KB day item holds about 50,000 jobs (a test fills one), i.e. a job every 1.7 s for a
 * whole UTC day, with ids of any length. Two distinct ids share a prefix with probability
 * about n²/2^65 (~7·10^-11 at 50,000 a day), and then the second is answered as a retry of the first.
 */
export const JOB_HASH_BYTES = 8;

export function jobHash(jobId: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(jobId, 'utf8').digest().subarray(0, JOB_HASH_BYTES));
}

function holds(item: DayItem | undefined, jobId: string): boolean {
  if (item?.job_ids?.has(jobId)) return true;
  const hash = Buffer.from(jobHash(jobId));
  for (const h of item?.job_hashes ?? []) if (hash.equals(h)) return true;
  return false;
}

/**
 * Day counters in the counters table (key `date`). Every write is ONE UpdateItem on the day's
 * item whose condition is the rule of `domain/quota/DayTally.ts`:
 *
 * - countJob: `NOT contains(job_hashes, :hash)`: a job counts once per day;
 * - reserve: that, and `attribute_not_exists(#count) OR #count < :limit`;
 * - release: `contains(job_hashes, :hash)`, removing the job and one from the count together.
 *
 * (Each condition also looks in `job_ids`, where items written before the hashes kept whole
 * ids, so a retry across the upgrade still counts once.)
 *
 * DynamoDB applies writes to one item one at a time, so no number of concurrent callers can
 * count a job twice or push the count past the limit. A lost condition returns the item as it
 * was (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), so a retry's answer costs no extra
 * read, and the count returned is always exact.
 *
 * The day's item carries a fixed-size hash of each job id (`job_hashes`, see JOB_HASH_BYTES),
 * not the id: whole ids of up to 256 characters filled the item after ~540 jobs.
 */
export class DynamoDbDailyCounters implements DailyCounters {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.db = DynamoDBDocumentClient.from(client);
  }

  async count(day: string): Promise<number> {
    const output = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { date: day },
        ProjectionExpression: '#count',
        ExpressionAttributeNames: { '#count': 'count' },
        ConsistentRead: true,
      }),
    );
    return countOf(output.Item as DayItem | undefined);
  }

  async countJob(day: string, jobId: string, at: Date): Promise<JobCount> {
    const r = await this.update(day, jobId, at, NOT_COUNTED, {});
    return r.won ? counted(r.value) : { count: countOf(r.current), fresh: false };
  }

  reserve(day: string, jobId: string, limit: number, at: Date): ResultAsync<JobCount, QuotaExhausted> {
    if (!isValidLimit(limit)) throw new RangeError(`quota limit must be a whole number ≥ 1, got ${limit}`);
    const condition = `(attribute_not_exists(#count) OR #count < :limit) AND ${NOT_COUNTED}`;
    const reserved = this.update(day, jobId, at, condition, { ':limit': limit }).then((r): Result<JobCount, QuotaExhausted> => {
      if (r.won) return ok(counted(r.value));
      // The condition has two halves: tell which one failed from the item as it was.
      return holds(r.current, jobId)
        ? ok({ count: countOf(r.current), fresh: false })
        : err({ type: 'QuotaExhausted', day, jobId, count: countOf(r.current), limit });
    });
    return new ResultAsync(reserved);
  }

  async release(day: string, jobId: string, at: Date): Promise<SlotRelease> {
    const r = await conditionalWrite<UpdateCommandOutput, DayItem>(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { date: day },
          UpdateExpression: 'DELETE job_hashes :job, job_ids :legacy ADD #count :minus_one SET updated_at = :now',
          ConditionExpression: 'contains(job_hashes, :hash) OR contains(job_ids, :job_id)',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: {
            ':job': new Set([jobHash(jobId)]),
            ':hash': jobHash(jobId),
            ':legacy': new Set([jobId]),
            ':job_id': jobId,
            ':minus_one': -1,
            ':now': isoSeconds(at),
          },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return r.won
      ? { count: countOf(r.value.Attributes as DayItem | undefined), released: true }
      : { count: countOf(r.current), released: false };
  }

  /** Counts the job under `condition`; a lost condition comes back with the item as it was (undefined if none). */
  private update(
    day: string,
    jobId: string,
    at: Date,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<WriteOutcome<UpdateCommandOutput, DayItem>> {
    return conditionalWrite<UpdateCommandOutput, DayItem>(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { date: day },
          UpdateExpression: COUNT_JOB,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':job': new Set([jobHash(jobId)]),
            ':hash': jobHash(jobId),
            ':job_id': jobId,
            ':now': isoSeconds(at),
            ...values,
          },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
  }
}

/** The count after a write that took the job in. */
function counted(output: UpdateCommandOutput): JobCount {
  return { count: countOf(output.Attributes as DayItem | undefined), fresh: true };
}

function countOf(item: DayItem | undefined): number {
  return Number(item?.count ?? 0);
}
