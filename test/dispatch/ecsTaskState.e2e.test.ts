import { afterAll, beforeAll, expect, it } from 'vitest';
import { DynamoDbDispatches } from '../../adapters/dynamodb/DynamoDbDispatches.js';
import { jobsTable } from '../../adapters/dynamodb/tables/jobsTable.js';
import { httpApiEvent } from '../support/apiGatewayEvents.js';
import { captureHandlerLogs } from '../support/captureHandlerLogs.js';
import { lambdaContext, loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { useLocalAws } from '../support/localAwsEnv.js';
import { startFakeEcs, type FakeEcs } from './fakeEcs.js';

/** `dispatch-to-ecs` starts a task, ECS reports it STOPPED, `ecs-task-state` settles the job: built bundles, DynamoDB Local. */
let ecs: FakeEcs;
let dispatches: DynamoDbDispatches;
let dispatch: BundledHandler;
let taskState: BundledHandler;
let logs: ReturnType<typeof captureHandlerLogs>;

beforeAll(async () => {
  ecs = await startFakeEcs();
  const client = localDynamoDbClient();
  const table = await createLocalTable(client, jobsTable);
  dispatches = new DynamoDbDispatches(client, table);
  useLocalAws(
    { ECS: ecs.endpoint },
    { DDB_TABLE: table, ECS_CLUSTER: 'recorders', ECS_TASK_DEF: 'recorder:3', S3_BUCKET: 'recordings-bucket', CONTAINER_NAME: 'recorder', LOG_LEVEL: 'INFO' },
  );
  logs = captureHandlerLogs();
  [dispatch, taskState] = await Promise.all([loadBundle('dispatch-to-ecs'), loadBundle('ecs-task-state')]);
});

afterAll(async () => {
  logs.restore();
  await ecs.close();
});

const stopped = (jobId: string, taskArn: string, exitCode: number) => ({
  version: '0',
  id: `e-${jobId}`,
  'detail-type': 'ECS Task State Change',
  source: 'aws.ecs',
  account: '123456789012',
  time: '2036-01-06T12:10:00Z',
  region: 'us-east-1',
  resources: [taskArn],
  detail: {
    taskArn,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    startedBy: 'baton-dispatch',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'recorder', exitCode, lastStatus: 'STOPPED' }],
    overrides: { containerOverrides: [{ name: 'recorder', environment: [{ name: 'JOB_ID', value: jobId }] }] },
  },
});

it('a dispatched job ends completed when its task exits 0, and failed (with the reason) when it does not', async () => {
  for (const [jobId, exitCode, status] of [['ecs-state-ok', 0, 'completed'], ['ecs-state-bad', 2, 'failed']] as const) {
    await dispatch(httpApiEvent({ method: 'POST', path: '/jobs', body: JSON.stringify({ url: 'https://example.com/live.m3u8', job_id: jobId }) }), lambdaContext);
    const taskArn = (await dispatches.find(jobId))!.launch.taskArn!;

    const answer = await taskState(stopped(jobId, taskArn, exitCode), lambdaContext);
    const again = await taskState(stopped(jobId, taskArn, exitCode), lambdaContext);

    expect(answer).toMatchObject({ type: 'Recorded', job: { status } });
    expect(again).toMatchObject({ type: 'AlreadyFinal' });
    const stored = (await dispatches.find(jobId))!;
    expect(stored.job.status).toBe(status);
    expect(stored.launch.taskArn).toBe(taskArn);
  }
  expect((await dispatches.find('ecs-state-bad'))!.job.error?.message).toContain('exit code 2');
});
