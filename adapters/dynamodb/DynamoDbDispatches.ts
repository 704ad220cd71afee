import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type {
  DispatchChanged,
  DispatchExists,
  DispatchNotFound,
  Dispatches,
} from '../../application/ports/Dispatches.js';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import type { Dispatch } from '../../domain/dispatch/Dispatch.js';
import { DEFAULT_RETRY_POLICY, REAL_RETRY_CLOCK, retryTransient, type RetryClock, type RetryPolicy } from '../shared/retryTransient.js';
import { conditionalWrite, type WriteOutcome } from './conditionalWrite.js';
import { fromDispatchItem, toDispatchItem, type DispatchItem } from './DynamoDbDispatchItem.js';

export interface DynamoDbDispatchesOptions {
  readonly retry?: RetryPolicy;
  readonly retryClock?: RetryClock;
  readonly log?: Log;
  readonly metrics?: Metrics;
}

/** DynamoDB's "slow down" and "try again" answers. */
const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'LimitExceededException',
]);

function isDynamoDbThrottled(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (e.name !== undefined && THROTTLED.has(e.name)) || (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * Dispatches in the jobs table. `create` is a Put conditioned on `attribute_not_exists(job_id)`,
 * `replace` an UpdateItem conditioned on the version read; both return the item as it is when the
 * condition fails (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), so a duplicate delivery
 * learns the dispatch's state in the same round trip. Throttled writes are retried with
 * full-jitter backoff (on top of the SDK's own attempts) before the fault is let through.
 *
 * @example
 * const dispatches = new DynamoDbDispatches(dynamoDbClient(), process.env.DDB_TABLE);
 */
export class DynamoDbDispatches implements Dispatches {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly options: DynamoDbDispatchesOptions = {},
  ) {
    this.db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  create(dispatch: Dispatch): ResultAsync<void, DispatchExists> {
    return new ResultAsync(this.put(dispatch));
  }

  replace(previous: Dispatch, next: Dispatch): ResultAsync<void, DispatchChanged | DispatchNotFound> {
    return new ResultAsync(this.update(previous, next));
  }

  async find(jobId: string): Promise<Dispatch | undefined> {
    const output = await this.withRetries(() =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { job_id: jobId }, ConsistentRead: true })),
    );
    return output.Item ? fromDispatchItem(output.Item as DispatchItem) : undefined;
  }

  private async put(dispatch: Dispatch): Promise<Result<void, DispatchExists>> {
    const put = () =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toDispatchItem(dispatch),
          ConditionExpression: 'attribute_not_exists(job_id)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    const written = await this.conditional(put);
    if (written.won) return ok(undefined);
    const found = await this.current(dispatch.job.jobId, written.current);
    if (found === undefined) throw new Error(`job ${dispatch.job.jobId} exists and does not`);
    // A retried write whose first try did land finds itself: that is a success.
    if (sameWrite(found, dispatch)) return ok(undefined);
    return err({ type: 'DispatchExists', current: found });
  }

  private async update(previous: Dispatch, next: Dispatch): Promise<Result<void, DispatchChanged | DispatchNotFound>> {
    const written = await this.conditional(() => this.db.send(new UpdateCommand({ TableName: this.tableName, ...updateOf(previous, next) })));
    if (written.won) return ok(undefined);
    // Tells "changed" from "gone".
    const found = await this.current(previous.job.jobId, written.current);
    if (found === undefined) return err({ type: 'DispatchNotFound', jobId: previous.job.jobId });
    // A retried write whose first try did land finds itself: that is a success.
    if (sameWrite(found, next)) return ok(undefined);
    return err({ type: 'DispatchChanged', current: found });
  }

  /** The item DynamoDB returned with a failed condition, or (when it returned none) read now. */
  private current(jobId: string, returned: DispatchItem | undefined): Promise<Dispatch | undefined> {
    return returned ? Promise.resolve(fromDispatchItem(returned)) : this.find(jobId);
  }

  private conditional(write: () => Promise<unknown>): Promise<WriteOutcome<unknown, DispatchItem>> {
    return conditionalWrite<unknown, DispatchItem>(this.withRetries(write));
  }

  private withRetries<T>(call: () => Promise<T>): Promise<T> {
    return retryTransient(call, isDynamoDbThrottled, this.options.retry ?? DEFAULT_RETRY_POLICY, this.options.retryClock ?? REAL_RETRY_CLOCK, (error, attempt) => {
      this.options.metrics?.count('DynamoDbThrottledRetries');
      this.options.log?.warn('DynamoDB write throttled, retrying', {
        attempt,
        error: error instanceof Error ? error.name : typeof error,
      });
    });
  }
}

/**
 * An UpdateItem that sets every attribute of `next` and removes those it lacks, conditioned on
 * the version read. Unlike a Put it leaves attributes it does not know (another writer's) alone.
 */
function updateOf(previous: Dispatch, next: Dispatch) {
  const item = toDispatchItem(next) as unknown as Record<string, unknown>;
  const names: Record<string, string> = { '#version_read': 'version' };
  const values: Record<string, unknown> = { ':version_read': previous.job.version };
  const set: string[] = [];
  const remove: string[] = [];
  Object.keys(item)
    .filter((k) => k !== 'job_id')
    .forEach((key, i) => {
      names[`#a${i}`] = key;
      if (item[key] === undefined) {
        remove.push(`#a${i}`);
      } else {
        set.push(`#a${i} = :a${i}`);
        values[`:a${i}`] = item[key];
      }
    });
  return {
    Key: { job_id: previous.job.jobId },
    UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: '#version_read = :version_read',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/** Two dispatches are the same write if they agree on everything stored. */
function sameWrite(a: Dispatch, b: Dispatch): boolean {
  return canonical(toDispatchItem(a)) === canonical(toDispatchItem(b));
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)))
      : v,
  );
}
