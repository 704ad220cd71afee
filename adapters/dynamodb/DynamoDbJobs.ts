import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type {
  CreateJobOptions,
  IdempotencyKeyTaken,
  JobChanged,
  JobIdTaken,
  JobNotFound,
  Jobs,
} from '../../application/ports/Jobs.js';
import type { Job } from '../../domain/jobs/Job.js';
import { isoSeconds } from '../../domain/shared/time.js';
import {
  fromJobItem,
  IDEMPOTENCY_PREFIX,
  newJobItem,
  OPTIONAL_JOB_ATTRIBUTES,
  toJobItem,
  LEGACY_UNQUEUED_PARTITION,
  unqueuedPartitions,
  type IdempotencyItem,
  type JobItem,
} from './DynamoDbJobsItem.js';
import { conditionalWrite } from './conditionalWrite.js';
import { UNQUEUED_INDEX } from './tables/jobsTable.js';
import { allShards, mergeShardAnswers, type ShardAnswer } from '../shared/shardedPage.js';

/** Every partition the job sweeper reads: the shards, and the one jobs recorded before sharding hold. */
const UNQUEUED_READ = [...unqueuedPartitions(), LEGACY_UNQUEUED_PARTITION];

/**
 * Jobs in DynamoDB (key `job_id`). Creation is a PutItem on `attribute_not_exists`, or a
 * transaction that also writes the `idempotency#<key>` item; each change is one UpdateItem
 * conditioned on the status and version read, with `ReturnValuesOnConditionCheckFailure:
 * ALL_OLD` so a lost race returns the current job without a second read. Updates SET and
 * REMOVE only the job's own attributes, so attributes other writers keep on the item survive.
 *
 * @example
 * const jobs = new DynamoDbJobs(new DynamoDBClient({}), 'baton-jobs');
 * await jobs.create(newJob({ jobId, spec, now }), { idempotencyKey: 'order-42' });
 */
export class DynamoDbJobs implements Jobs {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  create(job: Job, options: CreateJobOptions = {}): ResultAsync<void, JobIdTaken | IdempotencyKeyTaken> {
    const key = options.idempotencyKey;
    return new ResultAsync(key === undefined ? this.put(job) : this.putWithKey(job, key));
  }

  async get(jobId: string): Promise<Job | undefined> {
    if (jobId.startsWith(IDEMPOTENCY_PREFIX)) return undefined;
    const output = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { job_id: jobId }, ConsistentRead: true }));
    return output.Item ? fromJobItem(output.Item as JobItem) : undefined;
  }

  update(previous: Job, next: Job): ResultAsync<Job, JobNotFound | JobChanged> {
    const item = toJobItem(next) as unknown as Record<string, unknown>;
    const names: Record<string, string> = { '#status': 'status', '#version': 'version' };
    const values: Record<string, unknown> = { ':prevStatus': previous.status, ':prevVersion': previous.version };
    const sets: string[] = [];
    for (const [attribute, value] of Object.entries(item)) {
      if (attribute === 'job_id' || value === undefined) continue;
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    }
    // Any change moves the job on: it leaves the `unqueued` index whatever it becomes.
    const removes = [...OPTIONAL_JOB_ATTRIBUTES.filter((a) => item[a] === undefined), 'unqueued_pk'];
    for (const attribute of removes) names[`#${attribute}`] = attribute;
    const expression =
      `SET ${sets.join(', ')}` + (removes.length ? ` REMOVE ${removes.map((a) => `#${a}`).join(', ')}` : '');
    const written = conditionalWrite<unknown, JobItem>(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { job_id: previous.jobId },
          UpdateExpression: expression,
          ConditionExpression: '#status = :prevStatus AND #version = :prevVersion',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    ).then((r): Result<Job, JobNotFound | JobChanged> => {
      if (r.won) return ok(next);
      if (r.current === undefined) return err({ type: 'JobNotFound', jobId: previous.jobId });
      return err({ type: 'JobChanged', current: fromJobItem(r.current) });
    });
    return new ResultAsync(written);
  }

  async releaseIdempotencyKey(idempotencyKey: string, jobId: string): Promise<void> {
    // A key that points at another job (or at none) is left as it is: not a fault.
    await conditionalWrite<unknown, JobItem>(
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { job_id: IDEMPOTENCY_PREFIX + idempotencyKey },
          ConditionExpression: 'target_job_id = :job',
          ExpressionAttributeValues: { ':job': jobId },
        }),
      ),
    );
  }

  async markQueued(jobId: string): Promise<void> {
    // A job that is gone has nothing to leave: not a fault.
    await conditionalWrite<unknown, JobItem>(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { job_id: jobId },
          UpdateExpression: 'REMOVE unqueued_pk',
          ConditionExpression: 'attribute_exists(job_id)',
        }),
      ),
    );
  }

  /**
   * The oldest `limit` overall: every shard (and the legacy partition) is asked for `limit` at
   * once — the sweeper's runs are rare and the items keys only, so reading a few too many is
   * cheaper than a cursor — and the answers merged by `submitted_at`.
   */
  async unqueuedBefore(submittedBy: Date, limit: number): Promise<readonly string[]> {
    const query = (partition: string) =>
      this.db
        .send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: UNQUEUED_INDEX,
            KeyConditionExpression: 'unqueued_pk = :u AND submitted_at <= :cutoff',
            ExpressionAttributeValues: { ':u': partition, ':cutoff': isoSeconds(submittedBy) },
            ScanIndexForward: true,
            Limit: limit,
          }),
        )
        .then((output): ShardAnswer<undefined, Record<string, unknown>> => ({ items: output.Items ?? [] }));
    const answers = await Promise.all(UNQUEUED_READ.map(query));
    return mergeShardAnswers(allShards<undefined>(answers.length), answers, limit, (item) => String(item['submitted_at']), () => undefined).items.map(
      (item) => String(item['job_id']),
    );
  }

  private async put(job: Job): Promise<Result<void, JobIdTaken>> {
    const r = await conditionalWrite<unknown, JobItem>(
      this.db.send(new PutCommand({ TableName: this.tableName, Item: newJobItem(job), ConditionExpression: 'attribute_not_exists(job_id)' })),
    );
    return r.won ? ok(undefined) : err({ type: 'JobIdTaken', jobId: job.jobId });
  }

  /** The key's item and the job's in one transaction; a cancellation says which one was taken. */
  private async putWithKey(job: Job, key: string): Promise<Result<void, JobIdTaken | IdempotencyKeyTaken>> {
    const keyItem: IdempotencyItem = {
      job_id: IDEMPOTENCY_PREFIX + key,
      kind: 'idempotency',
      target_job_id: job.jobId,
      ttl: job.ttl,
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: keyItem,
                ConditionExpression: 'attribute_not_exists(job_id)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Put: { TableName: this.tableName, Item: newJobItem(job), ConditionExpression: 'attribute_not_exists(job_id)' },
            },
          ],
        }),
      );
      return ok(undefined);
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [keyReason, jobReason] = error.CancellationReasons ?? [];
      if (keyReason?.Code === 'ConditionalCheckFailed') {
        const owner = keyReason.Item && unmarshall(keyReason.Item)['target_job_id'];
        const jobId = typeof owner === 'string' ? owner : await this.keyOwner(key);
        return err({ type: 'IdempotencyKeyTaken', idempotencyKey: key, jobId });
      }
      if (jobReason?.Code === 'ConditionalCheckFailed') return err({ type: 'JobIdTaken', jobId: job.jobId });
      throw error;
    }
  }

  /** Who holds a key, when DynamoDB did not return the item with the cancellation. */
  private async keyOwner(idempotencyKey: string): Promise<string> {
    const output = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { job_id: IDEMPOTENCY_PREFIX + idempotencyKey },
        ConsistentRead: true,
      }),
    );
    return String(output.Item?.['target_job_id'] ?? '');
  }
}
