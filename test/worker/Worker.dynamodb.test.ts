import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { runWorker } from '../../entrypoints/worker/runWorker.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { spotFlow } from './workerHarness.js';

/** The worker's reports and heartbeats through a real callbacks table (DynamoDB Local). */
let mappings: DynamoDbCallbackMappings;

beforeAll(async () => {
  const client = localDynamoDbClient();
  mappings = new DynamoDbCallbackMappings(client, await createLocalTable(client, callbacksTable));
});

describe('worker library on DynamoDB Local', () => {
  it('launch stores the mapping, the worker resumes once, and the mapping ends COMPLETED', async () => {
    const flow = spotFlow({ mappings });
    const taskToken = await flow.startJob('job-ddb-1');
    const worker = flow.workerOn();

    const run = await runWorker(worker, async () => ({ video_key: 'runs/job-ddb-1/video.mp4' }));
    const again = await worker.reportSuccess({ job_id: 'job-ddb-1' });

    expect(run.delivery._unsafeUnwrap()).toEqual({ type: 'Resumed' });
    expect(again._unsafeUnwrap()).toEqual({ type: 'AlreadyReported' });
    expect(flow.sfn.task(taskToken)).toMatchObject({ state: 'succeeded', resumeCalls: 1 });
    const token = [...flow.spot.instances[0]!.request.userData.matchAll(/CALLBACK_TOKEN='([0-9a-f]{64})'/g)][0]![1]!;
    expect(await mappings.find(token)).toMatchObject({ status: 'COMPLETED', jobId: 'job-ddb-1', taskToken });
  });

  it('ten concurrent reports of one job resume Step Functions once', async () => {
    const flow = spotFlow({ mappings });
    const taskToken = await flow.startJob('job-ddb-2');
    const worker = flow.workerOn();

    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? worker.reportSuccess({ i }) : worker.reportFailure('RenderError', `copy ${i}`))),
    );

    expect(flow.sfn.task(taskToken)!.resumeCalls).toBe(1);
    expect(answers.filter((a) => a._unsafeUnwrap().type === 'Resumed')).toHaveLength(1);
  });

  it('heartbeats resolve the task token from the table until the job is reported', async () => {
    const flow = spotFlow({ mappings });
    await flow.startJob('job-ddb-3');
    const worker = flow.workerOn();

    expect((await worker.sendHeartbeat())._unsafeUnwrap()).toBe('Sent');
    (await worker.reportFailure('RenderError', 'out of disk'))._unsafeUnwrap();
    expect((await worker.sendHeartbeat())._unsafeUnwrap()).toBe('AlreadyReported');
    expect(flow.sfn.calls.heartbeat).toBe(1);
  });
});
