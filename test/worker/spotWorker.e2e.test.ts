import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { readWorkerEnvironment } from '../../domain/launch/userDataScript.js';
import { runWorker } from '../../entrypoints/worker/runWorker.js';
import { bundleScope } from '../support/awsCallRecorder.js';
import { workerFromEnvironment } from '../../entrypoints/worker/workerFromEnvironment.js';
import { startFakeEc2, type FakeEc2 } from '../launch/fakeEc2.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../support/fakeStepFunctions.js';
import { lambdaContext, loadBundle, type BundledHandler } from '../support/loadBundle.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { useLocalAws } from '../support/localAwsEnv.js';

/**
 * start-renderer / start-uploader as built bundles (their own bundled SDK) against an EC2
 * endpoint, DynamoDB Local and a Step Functions endpoint; then the worker library, configured
 * from nothing but the user-data the bundle wrote, reports back through the same table.
 */
let ec2: FakeEc2;
let sfn: FakeStepFunctions;
let mappings: DynamoDbCallbackMappings;
let renderer: BundledHandler;
let table: string;

const workerEnv = {
  RENDERER_AMI_ID: 'ami-0123456789abcdef0',
  RENDERER_INSTANCE_TYPE: 'c5.2xlarge,c6i.2xlarge',
  RENDERER_SECURITY_GROUP_ID: 'sg-1111',
  RENDERER_SUBNET_ID: 'subnet-aaaa,subnet-bbbb',
  RENDERER_IAM_INSTANCE_PROFILE: 'arn:aws:iam::123456789012:instance-profile/manga-worker',
  WORKER_REPOSITORY_URL: 'https://github.com/acme/manga-pipeline.git',
  LOG_LEVEL: 'ERROR',
};

beforeAll(async () => {
  [ec2, sfn] = await Promise.all([startFakeEc2(), startFakeStepFunctions()]);
  const client = localDynamoDbClient();
  table = await createLocalTable(client, callbacksTable);
  mappings = new DynamoDbCallbackMappings(client, table);
  useLocalAws({ SFN: sfn.endpoint, EC2: ec2.endpoint }, { CALLBACK_TABLE_NAME: table, ...workerEnv });
  renderer = await loadBundle('start-renderer');
});

afterAll(async () => {
  await Promise.all([ec2.close(), sfn.close()]);
});

describe('start-renderer bundle and the worker library', () => {
  it('launches a Spot worker whose user-data holds no task token, and the worker resumes the task once', async () => {
    const taskToken = sfn.engine.startTask({ timeoutSeconds: 7200, heartbeatSeconds: 300 });

    const output = await renderer({ job_id: 'job-e2e-1', task_token: taskToken }, lambdaContext);

    expect(output).toEqual({
      job_id: 'job-e2e-1',
      instance_id: expect.stringMatching(/^i-/),
      instance_type: 'c5.2xlarge',
      spot_request_id: expect.stringMatching(/^sir-/),
    });
    const launched = ec2.spot.instances.at(-1)!.request;
    expect(launched.userData).not.toContain(taskToken);
    expect(ec2.requests.at(-1)).toMatchObject({ 'InstanceMarketOptions.MarketType': 'spot', 'MetadataOptions.HttpTokens': 'required' });
    const env = Object.fromEntries(readWorkerEnvironment(launched.userData));
    expect(env).toMatchObject({ JOB_ID: 'job-e2e-1', WORKER_ROLE: 'renderer', CALLBACK_TABLE_NAME: table, CALLBACK_INDEX_SHARDS: '32', AWS_REGION: 'us-east-1' });

    // Never let a test power off the machine it runs on.
    const worker = workerFromEnvironment({ ...env, LOG_LEVEL: 'ERROR', WORKER_STOP_HOST_WHEN_GONE: 'false' });
    // Recorded as the instance role's calls, for the least-privilege proof (deploy/test/iam.test.ts).
    const run = await bundleScope.run('worker', () => runWorker(worker, async () => ({ video_key: 'runs/job-e2e-1/video.mp4' })));

    expect(run.delivery._unsafeUnwrap()).toEqual({ type: 'Resumed' });
    expect(JSON.parse(sfn.engine.task(taskToken)!.output!)).toEqual({
      job_id: 'job-e2e-1',
      status: 'completed',
      video_key: 'runs/job-e2e-1/video.mp4',
    });
    expect(sfn.engine.task(taskToken)!.resumeCalls).toBe(1);
    // The loop beats once as the work starts; the work ends long before the next beat is due.
    const calls = sfn.requests.filter((r) => r.input['taskToken'] === taskToken).map((r) => r.operation);
    expect(calls).toEqual(['SendTaskHeartbeat', 'SendTaskSuccess']);
    expect((await mappings.find(env.CALLBACK_TOKEN!))!.status).toBe('COMPLETED');
  });

  it('falls back to the next configured pool on a capacity error', async () => {
    ec2.spot.refuse({ instanceType: 'c5.2xlarge' }, 'InsufficientInstanceCapacity');

    const output = await renderer({ job_id: 'job-e2e-2', task_token: sfn.engine.startTask() }, lambdaContext);

    expect(output).toMatchObject({ job_id: 'job-e2e-2', instance_type: 'c6i.2xlarge' });
    expect(ec2.requests.slice(-3).map((r) => `${r.InstanceType}@${r.SubnetId}`)).toEqual([
      'c5.2xlarge@subnet-aaaa',
      'c5.2xlarge@subnet-bbbb',
      'c6i.2xlarge@subnet-aaaa',
    ]);
  });

  it('with no capacity anywhere, fails the task as SpotCapacityExhausted listing every pool', async () => {
    ec2.spot.refuse({}, 'SpotMaxPriceTooLow');

    const launch = renderer({ job_id: 'job-e2e-3', task_token: sfn.engine.startTask() }, lambdaContext);

    await expect(launch).rejects.toMatchObject({
      name: 'SpotCapacityExhausted',
      message: expect.stringContaining('c6i.2xlarge@subnet-bbbb: SpotMaxPriceTooLow'),
    });
  });

  it('refuses a malformed event as InvalidInput', async () => {
    await expect(renderer({ job_id: '' }, lambdaContext)).rejects.toMatchObject({ name: 'InvalidInput' });
  });

  it('start-uploader fails its cold start naming every missing variable', async () => {
    await expect(loadBundle('start-uploader')).rejects.toThrow(
      'start-uploader: invalid configuration: UPLOADER_AMI_ID is required; UPLOADER_SECURITY_GROUP_ID is required; UPLOADER_SUBNET_ID is required; UPLOADER_IAM_INSTANCE_PROFILE is required',
    );
  });
});
