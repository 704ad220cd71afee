import { describe, expect, it } from 'vitest';
import { DynamoDbDispatches } from '../../adapters/dynamodb/DynamoDbDispatches.js';
import { DynamoDbJobs } from '../../adapters/dynamodb/DynamoDbJobs.js';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import { launched } from '../../domain/dispatch/Dispatch.js';
import { transition } from '../../domain/jobs/Job.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { aDispatch, at } from './builders.js';

describe('a dispatched job is a Job to the job API (one jobs table, DynamoDB Local)', () => {
  it('reads as the same Job through DynamoDbJobs, and the worker completes it there without touching the launch record', async () => {
    const client = localDynamoDbClient();
    const table = await createLocalTable(client, jobsTable);
    const dispatches = new DynamoDbDispatches(client, table);
    const jobs = new DynamoDbJobs(client, table);
    const d = aDispatch();
    (await dispatches.create(d))._unsafeUnwrap();
    const up = launched(d, 'arn:aws:ecs:us-east-1:123456789012:task/recorders/4f2a', at(2))._unsafeUnwrap();
    (await dispatches.replace(d, up))._unsafeUnwrap();

    const asJob = (await jobs.get(d.job.jobId));
    const done = transition(asJob!, { status: 'completed', output: { s3Uri: `s3://recordings-bucket/${d.target.keyPrefix}out.mp4` } }, at(600))._unsafeUnwrap();
    const updated = await jobs.update(asJob!, done);
    const after = (await dispatches.find(d.job.jobId))!;

    expect(asJob).toEqual(up.job);
    expect(updated.isOk()).toBe(true);
    expect(after.job).toEqual(done);
    expect(after.launch).toEqual(up.launch);
    expect(after.source).toEqual(up.source);
  });
});
