import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type {
  DispatchChanged,
  DispatchExists,
  DispatchNotFound,
  Dispatches,
} from '../../application/ports/Dispatches.js';
import type { Log } from '../../application/ports/Log.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import type { Dispatch } from '../../domain/dispatch/Dispatch.js';
import { DEFAULT_RETRY_POLICY, REAL_RETRY_CLOCK, retryTransient, type RetryClock, type RetryPolicy } from '../ecs/retryTransient.js';
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

export function isThrottled(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (e.name !== undefined && THROTTLED.has(e.name)) || (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * Dispatches in the jobs table. `create` is a Put conditioned on `attribute_not_exists(job_id)`,
 * `replace` a Put conditioned on the version read; both return the item as it is when the
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
    return this.conditionalPut(dispatch, 'attribute_not_exists(job_id)', {}).andThen((r) => {
      if (r.won) return okAsync(undefined);
      const current = fromDispatchItem(r.current!);
      // A retried write whose first try did land finds itself: that is a success.
      if (sameWrite(current, dispatch)) return okAsync(undefined);
      return errAsync<void, DispatchExists>({ type: 'DispatchExists', current });
    });
  }

  replace(previous: Dispatch, next: Dispatch): ResultAsync<void, DispatchChanged | DispatchNotFound> {
    return this.conditionalPut(next, 'version = :version', { ':version': previous.job.version }).andThen((r) => {
      if (r.won) return okAsync(undefined);
      if (r.current === undefined) {
        return errAsync<void, DispatchChanged | DispatchNotFound>({ type: 'DispatchNotFound', jobId: previous.job.jobId });
      }
      const current = fromDispatchItem(r.current);
      if (sameWrite(current, next)) return okAsync(undefined);
      return errAsync<void, DispatchChanged | DispatchNotFound>({ type: 'DispatchChanged', current });
    });
  }

  find(jobId: string): ResultAsync<Dispatch | undefined, never> {
    return ResultAsync.fromSafePromise(
      this.withRetries(() =>
        this.db.send(new GetCommand({ TableName: this.tableName, Key: { job_id: jobId }, ConsistentRead: true })),
      ),
    ).map((output) => (output.Item ? fromDispatchItem(output.Item as DispatchItem) : undefined));
  }

  private conditionalPut(
    dispatch: Dispatch,
    condition: string,
    values: Record<string, unknown>,
  ): ResultAsync<{ won: boolean; current?: DispatchItem }, never> {
    const put = () =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toDispatchItem(dispatch),
          ConditionExpression: condition,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    return ResultAsync.fromSafePromise(
      this.withRetries(put).then(
        () => ({ won: true }),
        (error: unknown) => {
          if (error instanceof ConditionalCheckFailedException) {
            return { won: false, current: error.Item && (unmarshall(error.Item) as DispatchItem) };
          }
          throw error;
        },
      ),
    );
  }

  private withRetries<T>(call: () => Promise<T>): Promise<T> {
    return retryTransient(call, isThrottled, this.options.retry ?? DEFAULT_RETRY_POLICY, this.options.retryClock ?? REAL_RETRY_CLOCK, (error, attempt) => {
      this.options.metrics?.count('DynamoDbThrottledRetries');
      this.options.log?.warn('DynamoDB write throttled, retrying', {
        attempt,
        error: error instanceof Error ? error.name : typeof error,
      });
    });
  }
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
