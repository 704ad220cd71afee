import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbDispatches } from '../../adapters/dynamodb/DynamoDbDispatches.js';
import { toDispatchItem } from '../../adapters/dynamodb/DynamoDbDispatchItem.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { aDispatch } from './builders.js';

const ddb = mockClient(DynamoDBDocumentClient);
const throttled = () =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400 },
  });

describe('DynamoDbDispatches under throttling', () => {
  let metrics: InMemoryMetrics;
  let dispatches: DynamoDbDispatches;

  beforeEach(() => {
    ddb.reset();
    metrics = new InMemoryMetrics();
    dispatches = new DynamoDbDispatches(new DynamoDBClient({ region: 'us-east-1' }), 'jobs', {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      metrics,
    });
  });

  it('retries a throttled write before letting it through', async () => {
    ddb.on(PutCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});

    const r = await dispatches.create(aDispatch());

    expect(r.isOk()).toBe(true);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(3);
    expect(metrics.get('DynamoDbThrottledRetries')).toBe(2);
  });

  it('rejects (an infrastructure fault) once the retries are spent', async () => {
    ddb.on(PutCommand).rejects(throttled());

    await expect(dispatches.create(aDispatch())).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(3);
  });

  it('takes a retried write that finds its own first try as a success', async () => {
    const d = aDispatch();
    const landed = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: { httpStatusCode: 400 },
      Item: marshall(toDispatchItem(d), { removeUndefinedValues: true }),
    });
    ddb.on(PutCommand).rejectsOnce(Object.assign(new Error('Internal'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } })).rejectsOnce(landed);

    expect((await dispatches.create(d)).isOk()).toBe(true);
  });

  it('writes the item conditioned on the id being free, asking for the old item on failure', async () => {
    ddb.on(PutCommand).resolves({});
    const d = aDispatch();

    (await dispatches.create(d))._unsafeUnwrap();

    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'jobs',
      ConditionExpression: 'attribute_not_exists(job_id)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      Item: { job_id: d.job.jobId, status: 'submitted', version: 1, source_url: 'https://example.com/stream', ttl: d.job.ttl },
    });
  });
});
