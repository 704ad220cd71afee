import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type {
  CallbackMappings,
  CallbackNotFound,
  CallbackNotInStatus,
  CallbackTokenTaken,
  PageCursor,
  TokenPage,
} from '../../application/ports/CallbackMappings.js';
import { reportableThrough, type CallbackChannel, type CallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import type { CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import { isoSeconds } from '../../domain/shared/time.js';
import { EXECUTION_INDEX, RECONCILE_INDEX, REDRIVE_INDEX } from './tables/callbacksTable.js';
import { conditionalWrite } from './conditionalWrite.js';
import { fromItem, RECONCILE_PARTITIONS, REDRIVE_PARTITION, toItem, toResult, type CallbackItem } from './callbackItem.js';
import { decodeCursor, encodeCursor } from './indexCursor.js';

type Lost = CallbackNotFound | CallbackNotInStatus;

/**
 * Callback mappings in DynamoDB. Each status change is a single UpdateItem conditioned on the
 * previous status with `ReturnValuesOnConditionCheckFailure: ALL_OLD`, so a lost race returns
 * the current item in the same round trip (a duplicate webhook costs exactly one call).
 */
export class DynamoDbCallbackMappings implements CallbackMappings {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  create(mapping: CallbackMapping): ResultAsync<void, CallbackTokenTaken> {
    return this.conditional(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(mapping),
          ConditionExpression: 'attribute_not_exists(callback_token)',
        }),
      ),
      (): CallbackTokenTaken => ({ type: 'CallbackTokenTaken', callbackToken: mapping.callbackToken }),
    ).map(() => undefined);
  }

  recordJobId(callbackToken: string, jobId: string): ResultAsync<void, CallbackNotFound> {
    return this.conditional(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { callback_token: callbackToken },
          UpdateExpression: 'SET job_id = :job_id',
          ConditionExpression: 'attribute_exists(callback_token)',
          ExpressionAttributeValues: { ':job_id': jobId },
        }),
      ),
      (): CallbackNotFound => ({ type: 'CallbackNotFound', callbackToken }),
    ).map(() => undefined);
  }

  discardPending(callbackToken: string): ResultAsync<void, never> {
    return this.conditional(
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { callback_token: callbackToken },
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING' },
        }),
      ),
      () => undefined,
    )
      .map(() => undefined)
      .orElse(() => okAsync(undefined));
  }

  accept(callbackToken: string, outcome: CallbackOutcome, at: Date, channel: CallbackChannel): ResultAsync<CallbackMapping, Lost> {
    return this.conditional(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { callback_token: callbackToken },
          UpdateExpression:
            'SET #status = :accepted, accepted_at = :at, #result = :result, redrive_pk = :redrive REMOVE reconcile_pk',
          ConditionExpression: '#status = :pending AND (attribute_not_exists(#channel) OR #channel = :channel)',
          ExpressionAttributeNames: { '#status': 'status', '#result': 'result', '#channel': 'channel' },
          ExpressionAttributeValues: {
            ':accepted': 'ACCEPTED',
            ':pending': 'PENDING',
            ':channel': channel,
            ':at': isoSeconds(at),
            ':result': toResult(outcome),
            ':redrive': REDRIVE_PARTITION,
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
      (current) =>
        current && !reportableThrough(fromItem(current), channel)
          ? ({ type: 'CallbackNotFound', callbackToken } as const)
          : this.lost(callbackToken, current),
    ).map((output) => fromItem(output.Attributes as CallbackItem));
  }

  finish(mapping: CallbackMapping): ResultAsync<void, Lost> {
    return this.leave(mapping, 'ACCEPTED', 'redrive_pk, lease_until');
  }

  abandon(mapping: CallbackMapping): ResultAsync<void, Lost> {
    return this.leave(mapping, 'PENDING', 'reconcile_pk');
  }

  /** `from` → `mapping.status` with its completion fields, conditioned on `from`, leaving the index `from` kept it in. */
  private leave(mapping: CallbackMapping, from: 'PENDING' | 'ACCEPTED', remove: string): ResultAsync<void, Lost> {
    const goneReason = mapping.goneReason === undefined ? '' : ', gone_reason = :reason';
    const refusal = mapping.refusal === undefined ? '' : ', refusal = :refusal';
    return this.conditional(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { callback_token: mapping.callbackToken },
          UpdateExpression: `SET #status = :final, completed_at = :at${goneReason}${refusal} REMOVE ${remove}`,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':final': mapping.status,
            ':from': from,
            ':at': mapping.completedAt,
            ...(mapping.goneReason === undefined ? {} : { ':reason': mapping.goneReason }),
            ...(mapping.refusal === undefined ? {} : { ':refusal': mapping.refusal }),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
      (current) => this.lost(mapping.callbackToken, current),
    ).map(() => undefined);
  }

  find(callbackToken: string): ResultAsync<CallbackMapping | undefined, never> {
    return ResultAsync.fromSafePromise(
      this.db.send(
        new GetCommand({ TableName: this.tableName, Key: { callback_token: callbackToken }, ConsistentRead: true }),
      ),
    ).map((output) => (output.Item ? fromItem(output.Item as CallbackItem) : undefined));
  }

  acceptedBefore(acceptedBy: Date, limit: number, after?: PageCursor): ResultAsync<TokenPage, never> {
    return this.page(REDRIVE_INDEX, 'redrive_pk', 'accepted_at', [REDRIVE_PARTITION], acceptedBy, limit, after);
  }

  pendingRunPodBefore(createdBy: Date, limit: number, after?: PageCursor): ResultAsync<TokenPage, never> {
    return this.page(RECONCILE_INDEX, 'reconcile_pk', 'created_at', RECONCILE_PARTITIONS, createdBy, limit, after);
  }

  forExecution(executionArn: string, limit: number, after?: PageCursor): ResultAsync<TokenPage, never> {
    // Every mapping of an execution was created before its end: any cutoff far ahead will do.
    return this.page(EXECUTION_INDEX, 'execution_arn', 'created_at', [executionArn], new Date('9999-12-31T23:59:59Z'), limit, after);
  }

  /**
   * One page of a sparse index, partition by partition, each read from where the last page
   * stopped (`ExclusiveStartKey`): an item that stays in the index never hides the ones behind it.
   */
  private page(
    indexName: string,
    partitionKey: string,
    sortKey: string,
    partitions: readonly string[],
    cutoff: Date,
    limit: number,
    after: PageCursor | undefined,
  ): ResultAsync<TokenPage, never> {
    const at = decodeCursor(after);
    const partition = partitions[at.partition];
    if (partition === undefined) return okAsync({ tokens: [] });
    return ResultAsync.fromSafePromise(
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression: '#pk = :p AND #sk <= :cutoff',
          ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
          ExpressionAttributeValues: { ':p': partition, ':cutoff': isoSeconds(cutoff) },
          ScanIndexForward: true,
          Limit: limit,
          ...(at.key === undefined ? {} : { ExclusiveStartKey: at.key }),
        }),
      ),
    ).map((output): TokenPage => {
      const tokens = (output.Items ?? []).map((item) => String(item['callback_token']));
      if (output.LastEvaluatedKey !== undefined) {
        return { tokens, next: encodeCursor({ partition: at.partition, key: output.LastEvaluatedKey }) };
      }
      return at.partition + 1 < partitions.length ? { tokens, next: encodeCursor({ partition: at.partition + 1 }) } : { tokens };
    });
  }

  lease(callbackToken: string, now: Date, until: Date): ResultAsync<CallbackMapping, Lost> {
    return this.conditional(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { callback_token: callbackToken },
          UpdateExpression: 'SET lease_until = :until',
          ConditionExpression: '#status = :accepted AND (attribute_not_exists(lease_until) OR lease_until < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':accepted': 'ACCEPTED', ':until': until.getTime(), ':now': now.getTime() },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
      (current) => this.lost(callbackToken, current),
    ).map((output) => fromItem(output.Attributes as CallbackItem));
  }

  private lost(callbackToken: string, current: CallbackItem | undefined): Lost {
    return current === undefined
      ? { type: 'CallbackNotFound', callbackToken }
      : { type: 'CallbackNotInStatus', current: fromItem(current) };
  }

  /** A conditional write whose lost condition becomes the port error built from the item as it was. */
  private conditional<T, E>(write: Promise<T>, onLost: (current: CallbackItem | undefined) => E): ResultAsync<T, E> {
    return conditionalWrite<T, CallbackItem>(write).andThen((r) => (r.won ? okAsync(r.value) : errAsync(onLost(r.current))));
  }
}
