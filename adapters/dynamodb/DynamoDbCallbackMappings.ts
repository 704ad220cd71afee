import { UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { err, ok, ResultAsync } from 'neverthrow';
import type {
  CallbackMappings,
  CallbackNotFound,
  CallbackNotInStatus,
  CallbackTokenTaken,
  PageCursor,
  TokenPage,
} from '../../application/ports/CallbackMappings.js';
import { accept, reportableThrough, type CallbackChannel, type CallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import type { CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import { isoSeconds } from '../../domain/shared/time.js';
import { EXECUTION_INDEX, RECONCILE_INDEX, REDRIVE_INDEX } from './tables/callbacksTable.js';
import { conditionalWrite } from './conditionalWrite.js';
import {
  DEFAULT_CALLBACK_INDEX_SHARDS,
  fromItem,
  isCallbackIndexShards,
  LEGACY_RECONCILE_PARTITION,
  LEGACY_REDRIVE_PARTITION,
  MAX_CALLBACK_INDEX_SHARDS,
  reconcilePartitions,
  redrivePartition,
  redrivePartitions,
  toItem,
  toResult,
  type CallbackItem,
} from './callbackItem.js';
import {
  decodeShardCursor,
  encodeShardCursor,
  mergeShardAnswers,
  perShardLimit,
  type OpenShard,
  type ShardAnswer,
} from '../shared/shardedPage.js';

/** A `KEYS_ONLY` index item: the table's key and the index's, all strings. */
type IndexKey = Record<string, string>;

type Lost = CallbackNotFound | CallbackNotInStatus;

export interface DynamoDbCallbackMappingsOptions {
  /**
   * Shards of the `redrive` and `reconcile` indexes (`CALLBACK_INDEX_SHARDS`, default 32): the
   * same value for every writer and reader of the table. It may grow on a live table, never
   * shrink (ARCHITECTURE.md, "Sharded sparse indexes").
   */
  readonly callbackIndexShards?: number;
}

/**
 * Callback mappings in DynamoDB. Each status change is a single UpdateItem conditioned on the
 * previous status with `ReturnValuesOnConditionCheckFailure: ALL_OLD`, so a lost race returns
 * the current item in the same round trip (a duplicate webhook costs exactly one call).
 *
 * The webhook's two writes (`accept`, `finish`) go through the plain client with their few
 * values marshalled by hand, not through the document client's marshalling middleware; the
 * claim asks for the item as it was (`ALL_OLD`, without the outcome just written, which can be
 * 256 KiB) and applies the domain's `accept` to it, instead of reading the whole new item back.
 */
export class DynamoDbCallbackMappings implements CallbackMappings {
  private readonly db: DynamoDBDocumentClient;
  private readonly shards: number;
  /** What the readers walk: every shard, then the partition tables written before sharding hold. */
  private readonly redriveRead: readonly string[];
  private readonly reconcileRead: readonly string[];

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: DynamoDbCallbackMappingsOptions = {},
  ) {
    this.db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.shards = options.callbackIndexShards ?? DEFAULT_CALLBACK_INDEX_SHARDS;
    if (!isCallbackIndexShards(this.shards)) {
      throw new RangeError(`callbackIndexShards must be a whole number from 1 to ${MAX_CALLBACK_INDEX_SHARDS}, got ${this.shards}`);
    }
    this.redriveRead = [...redrivePartitions(this.shards), LEGACY_REDRIVE_PARTITION];
    this.reconcileRead = [...reconcilePartitions(this.shards), LEGACY_RECONCILE_PARTITION];
  }

  create(mapping: CallbackMapping): ResultAsync<void, CallbackTokenTaken> {
    return this.conditional(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(mapping, this.shards),
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

  async noteUnansweredResume(callbackToken: string, at: Date): Promise<void> {
    // Lost (no longer ACCEPTED, or gone): a resumer finished it meanwhile; nothing to note.
    await conditionalWrite(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { callback_token: callbackToken },
          UpdateExpression: 'SET resume_unanswered_at = :at',
          ConditionExpression: '#status = :accepted',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': isoSeconds(at), ':accepted': 'ACCEPTED' },
        }),
      ),
    );
  }

  async discardPending(callbackToken: string): Promise<void> {
    // Lost (no longer PENDING, or gone): nothing to discard, which is what was asked.
    await conditionalWrite(
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { callback_token: callbackToken },
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING' },
        }),
      ),
    );
  }

  accept(callbackToken: string, outcome: CallbackOutcome, at: Date, channel: CallbackChannel): ResultAsync<CallbackMapping, Lost> {
    return this.conditional(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { callback_token: { S: callbackToken } },
          UpdateExpression:
            'SET #status = :accepted, accepted_at = :at, #result = :result, redrive_pk = :redrive REMOVE reconcile_pk',
          ConditionExpression: '#status = :pending AND (attribute_not_exists(#channel) OR #channel = :channel)',
          ExpressionAttributeNames: { '#status': 'status', '#result': 'result', '#channel': 'channel' },
          ExpressionAttributeValues: {
            ':accepted': { S: 'ACCEPTED' },
            ':pending': { S: 'PENDING' },
            ':channel': { S: channel },
            ':at': { S: isoSeconds(at) },
            ':result': resultAttribute(outcome),
            ':redrive': { S: redrivePartition(callbackToken, this.shards) },
          },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
      (current) =>
        current && !reportableThrough(fromItem(current), channel)
          ? ({ type: 'CallbackNotFound', callbackToken } as const)
          : this.lost(callbackToken, current),
    ).map((output) => {
      // The condition held, so the item was PENDING: the claim is the domain's own transition.
      const claimed = accept(fromItem(unmarshall(output.Attributes!) as CallbackItem), outcome, at);
      if (claimed.isErr()) throw new Error(`illegal callback transition ${claimed.error.event} from ${claimed.error.from}`);
      return claimed.value;
    });
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
    const values: Record<string, AttributeValue> = {
      ':final': { S: mapping.status },
      ':from': { S: from },
      ':at': { S: completedAt(mapping) },
    };
    if (mapping.goneReason !== undefined) values[':reason'] = { S: mapping.goneReason };
    if (mapping.refusal !== undefined) values[':refusal'] = { S: mapping.refusal };
    return this.conditional(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { callback_token: { S: mapping.callbackToken } },
          UpdateExpression: `SET #status = :final, completed_at = :at${goneReason}${refusal} REMOVE ${remove}`,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
      (current) => this.lost(mapping.callbackToken, current),
    ).map(() => undefined);
  }

  async find(callbackToken: string): Promise<CallbackMapping | undefined> {
    const output = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { callback_token: callbackToken }, ConsistentRead: true }),
    );
    return output.Item ? fromItem(output.Item as CallbackItem) : undefined;
  }

  acceptedBefore(acceptedBy: Date, limit: number, after?: PageCursor): Promise<TokenPage> {
    return this.page(REDRIVE_INDEX, 'redrive_pk', 'accepted_at', this.redriveRead, acceptedBy, limit, after);
  }

  pendingRunPodBefore(createdBy: Date, limit: number, after?: PageCursor): Promise<TokenPage> {
    return this.page(RECONCILE_INDEX, 'reconcile_pk', 'created_at', this.reconcileRead, createdBy, limit, after);
  }

  forExecution(executionArn: string, limit: number, after?: PageCursor): Promise<TokenPage> {
    // Every mapping of an execution was created before its end: any cutoff far ahead will do.
    return this.page(EXECUTION_INDEX, 'execution_arn', 'created_at', [executionArn], new Date('9999-12-31T23:59:59Z'), limit, after);
  }

  /**
   * One page of a sparse index over `partitions` (its shards, and the legacy partition): every
   * unfinished partition is queried at once from where it stopped (`ExclusiveStartKey`), and
   * the answers are merged by sort key up to `limit` (adapters/shared/shardedPage.ts).
   */
  private async page(
    indexName: string,
    partitionKey: string,
    sortKey: string,
    partitions: readonly string[],
    cutoff: Date,
    limit: number,
    after: PageCursor | undefined,
  ): Promise<TokenPage> {
    const open = decodeShardCursor<IndexKey>(after, partitions.length);
    if (open.length === 0) return { tokens: [] };
    const each = perShardLimit(limit, open.length);
    const query = ({ shard, after: start }: OpenShard<IndexKey>) =>
      this.db
        .send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: indexName,
            KeyConditionExpression: '#pk = :p AND #sk <= :cutoff',
            ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
            ExpressionAttributeValues: { ':p': partitions[shard], ':cutoff': isoSeconds(cutoff) },
            ScanIndexForward: true,
            Limit: each,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        )
        .then((output): ShardAnswer<IndexKey, IndexKey> => ({
          // KEYS_ONLY: an item is exactly its index key, which is what ExclusiveStartKey takes.
          items: (output.Items ?? []) as IndexKey[],
          ...(output.LastEvaluatedKey === undefined ? {} : { last: output.LastEvaluatedKey as IndexKey }),
        }));
    const answers = await Promise.all(open.map(query));
    const merged = mergeShardAnswers(open, answers, limit, (item) => String(item[sortKey]), (item) => item);
    const tokens = merged.items.map((item) => String(item['callback_token']));
    const next = encodeShardCursor(merged.open);
    return next === undefined ? { tokens } : { tokens, next };
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
    return new ResultAsync(conditionalWrite<T, CallbackItem>(write).then((r) => (r.won ? ok(r.value) : err(onLost(r.current)))));
  }
}

/** The outcome as the `result` map (`toResult`), marshalled by hand: every field is a string. */
function resultAttribute(outcome: CallbackOutcome): AttributeValue {
  const fields: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(toResult(outcome))) fields[name] = { S: value };
  return { M: fields };
}

function completedAt(mapping: CallbackMapping): string {
  // Every move out of PENDING or ACCEPTED stamps it (domain/callbacks/CallbackMapping.ts).
  if (mapping.completedAt === undefined) throw new Error(`a ${mapping.status} mapping without completedAt`);
  return mapping.completedAt;
}
