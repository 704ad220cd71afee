import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand, type UpdateCommandOutput } from '@aws-sdk/lib-dynamodb';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { DailyCounters } from '../../application/ports/DailyCounters.js';
import { isValidLimit } from '../../domain/quota/DailyQuota.js';
import type { JobCount, QuotaExhausted, SlotRelease } from '../../domain/quota/DayTally.js';
import { isoSeconds } from '../../domain/shared/time.js';
import { conditionalWrite } from './conditionalWrite.js';

/** The day's item: seed 003's `date`, `count`, `updated_at`, plus the jobs that made the count. */
interface DayItem {
  readonly date: string;
  readonly count?: number;
  readonly updated_at?: string;
  readonly job_ids?: ReadonlySet<string>;
}

/** Adds the job to the day's count and to the day's job set, in the same write. */
const COUNT_JOB = 'ADD #count :one, job_ids :job SET updated_at = :now';

/**
 * Day counters in the counters table (key `date`). Every write is ONE UpdateItem on the day's
 * item whose condition is the rule of `domain/quota/DayTally.ts`:
 *
 * - countJob: `NOT contains(job_ids, :job_id)`: a job counts once per day;
 * - reserve: that, and `attribute_not_exists(#count) OR #count < :limit`;
 * - release: `contains(job_ids, :job_id)`, removing the job and one from the count together.
 *
 * DynamoDB applies writes to one item one at a time, so no number of concurrent callers can
 * count a job twice or push the count past the limit. A lost condition returns the item as it
 * was (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), so a retry's answer costs no extra
 * read, and the count returned is always exact.
 *
 * The day's item carries the set of its job ids (`job_ids`): at ~40 bytes a job, DynamoDB's
 * 400 KB item limit leaves room for thousands of jobs a day, far above any daily quota.
 */
export class DynamoDbDailyCounters implements DailyCounters {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.db = DynamoDBDocumentClient.from(client);
  }

  count(day: string): ResultAsync<number, never> {
    return ResultAsync.fromSafePromise(
      this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { date: day },
          ProjectionExpression: '#count',
          ExpressionAttributeNames: { '#count': 'count' },
          ConsistentRead: true,
        }),
      ),
    ).map((output) => countOf(output.Item as DayItem | undefined));
  }

  countJob(day: string, jobId: string, at: Date): ResultAsync<JobCount, never> {
    return this.update(day, jobId, at, 'NOT contains(job_ids, :job_id)', {}).orElse((old) =>
      okAsync({ count: countOf(old), fresh: false }),
    );
  }

  reserve(day: string, jobId: string, limit: number, at: Date): ResultAsync<JobCount, QuotaExhausted> {
    if (!isValidLimit(limit)) throw new RangeError(`quota limit must be a whole number ≥ 1, got ${limit}`);
    return this.update(
      day,
      jobId,
      at,
      '(attribute_not_exists(#count) OR #count < :limit) AND NOT contains(job_ids, :job_id)',
      { ':limit': limit },
    ).orElse((old) =>
      // The condition has two halves: tell which one failed from the item as it was.
      old?.job_ids?.has(jobId)
        ? okAsync({ count: countOf(old), fresh: false })
        : errAsync({ type: 'QuotaExhausted' as const, day, jobId, count: countOf(old), limit }),
    );
  }

  release(day: string, jobId: string, at: Date): ResultAsync<SlotRelease, never> {
    return conditionalWrite<UpdateCommandOutput, DayItem>(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { date: day },
          UpdateExpression: 'DELETE job_ids :job ADD #count :minus_one SET updated_at = :now',
          ConditionExpression: 'contains(job_ids, :job_id)',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':job': new Set([jobId]), ':job_id': jobId, ':minus_one': -1, ':now': isoSeconds(at) },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    ).map(
      (r): SlotRelease =>
        r.won
          ? { count: countOf(r.value.Attributes as DayItem | undefined), released: true }
          : { count: countOf(r.current), released: false },
    );
  }

  /** The conditional write; a lost condition yields the item as it was (undefined if none). */
  private update(
    day: string,
    jobId: string,
    at: Date,
    condition: string,
    values: Record<string, unknown>,
  ): ResultAsync<JobCount, DayItem | undefined> {
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
            ':job': new Set([jobId]),
            ':job_id': jobId,
            ':now': isoSeconds(at),
            ...values,
          },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    ).andThen((r) =>
      r.won ? okAsync({ count: countOf(r.value.Attributes as DayItem | undefined), fresh: true }) : errAsync(r.current),
    );
  }
}

function countOf(item: DayItem | undefined): number {
  return Number(item?.count ?? 0);
}
