import { EC2Client, EC2ServiceException, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { err, ok } from 'neverthrow';
import { beforeEach, describe, expect, it } from 'vitest';
import { Ec2SpotInstances } from '../../adapters/ec2/Ec2SpotInstances.js';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { SequentialIds } from '../../adapters/memory/SequentialIds.js';
import type { SpotLaunchRequest } from '../../application/ports/SpotInstances.js';
import { LaunchWorker } from '../../application/launch/LaunchWorker.js';
import { aLaunchSettings } from './builders.js';

const ec2 = mockClient(EC2Client);

function ec2Error(name: string, message = `${name} (test)`): EC2ServiceException {
  return new EC2ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

function aRequest(overrides: Partial<SpotLaunchRequest> = {}): SpotLaunchRequest {
  return {
    amiId: 'ami-0123456789abcdef0',
    instanceType: 'c5.2xlarge',
    subnetId: 'subnet-a',
    securityGroupIds: ['sg-1111', 'sg-2222'],
    iamInstanceProfile: 'arn:aws:iam::123456789012:instance-profile/manga-worker',
    userData: "#!/bin/bash\nexport JOB_ID='job-abc123'\n",
    tags: [{ key: 'baton:job-id', value: 'job-abc123' }],
    clientToken: '00000000-0000-4000-8000-000000000001',
    ...overrides,
  };
}

const instance = { InstanceId: 'i-0abcd1234efgh5678', InstanceType: 'c5.2xlarge', SpotInstanceRequestId: 'sir-abc123' } as const;

describe('Ec2SpotInstances', () => {
  beforeEach(() => ec2.reset());

  it('sends one one-time Spot RunInstances with the exact launch parameters', async () => {
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance] });

    const r = await new Ec2SpotInstances(new EC2Client({ region: 'us-east-1' })).launch(aRequest());

    expect(r).toEqual(ok({ instanceId: 'i-0abcd1234efgh5678', instanceType: 'c5.2xlarge', spotRequestId: 'sir-abc123' }));
    const tags = [{ Key: 'baton:job-id', Value: 'job-abc123' }];
    expect(ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input)).toEqual([
      {
        ImageId: 'ami-0123456789abcdef0',
        InstanceType: 'c5.2xlarge',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: 'subnet-a',
        SecurityGroupIds: ['sg-1111', 'sg-2222'],
        IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/manga-worker' },
        UserData: Buffer.from("#!/bin/bash\nexport JOB_ID='job-abc123'\n").toString('base64'),
        InstanceMarketOptions: {
          MarketType: 'spot',
          SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
        },
        InstanceInitiatedShutdownBehavior: 'terminate',
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
        TagSpecifications: [
          { ResourceType: 'instance', Tags: tags },
          { ResourceType: 'spot-instances-request', Tags: tags },
          { ResourceType: 'volume', Tags: tags },
        ],
        ClientToken: '00000000-0000-4000-8000-000000000001',
      },
    ]);
  });

  it('names an instance profile by name when it is not an ARN', async () => {
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance] });
    (await new Ec2SpotInstances(new EC2Client({ region: 'us-east-1' })).launch(aRequest({ iamInstanceProfile: 'manga-worker' })))._unsafeUnwrap();
    expect(ec2.commandCalls(RunInstancesCommand)[0]!.args[0].input.IamInstanceProfile).toEqual({ Name: 'manga-worker' });
  });

  it.each(['InsufficientInstanceCapacity', 'SpotMaxPriceTooLow', 'MaxSpotInstanceCountExceeded', 'InsufficientFreeAddressesInSubnet', 'Unsupported'])(
    'turns %s into a typed capacity error, keeping the cause',
    async (code) => {
      const refusal = ec2Error(code);
      ec2.on(RunInstancesCommand).rejects(refusal);

      const r = await new Ec2SpotInstances(new EC2Client({ region: 'us-east-1', maxAttempts: 1 })).launch(aRequest());

      expect(r).toEqual(err({ type: 'SpotCapacityUnavailable', code, message: `${code} (test)`, cause: refusal }));
    },
  );

  it('rejects on anything else, so the task fails loudly and retries apply', async () => {
    ec2.on(RunInstancesCommand).rejects(ec2Error('InvalidAMIID.NotFound'));
    const launch = new Ec2SpotInstances(new EC2Client({ region: 'us-east-1', maxAttempts: 1 })).launch(aRequest());
    await expect(launch).rejects.toThrow('InvalidAMIID.NotFound (test)');
  });

  it('LaunchWorker falls back to the next pool on EC2 capacity errors, request by request', async () => {
    ec2
      .on(RunInstancesCommand, { InstanceType: 'c5.2xlarge', SubnetId: 'subnet-a' }).rejects(ec2Error('InsufficientInstanceCapacity'))
      .on(RunInstancesCommand, { InstanceType: 'c5.2xlarge', SubnetId: 'subnet-b' }).rejects(ec2Error('InsufficientFreeAddressesInSubnet'))
      .on(RunInstancesCommand, { InstanceType: 'c6i.2xlarge', SubnetId: 'subnet-a' }).resolves({
        Instances: [{ ...instance, InstanceType: 'c6i.2xlarge' }],
      });
    const useCase = new LaunchWorker(
      {
        reportChannel: { kind: 'callbacksTable', tableName: 'baton-callbacks', mappings: new InMemoryCallbackMappings() },
        spotInstances: new Ec2SpotInstances(new EC2Client({ region: 'us-east-1', maxAttempts: 1 })),
        ids: new SequentialIds(),
        clock: new ManualClock(),
        log: new RecordingLog(),
        metrics: new InMemoryMetrics(),
      },
      aLaunchSettings({ instanceTypes: ['c5.2xlarge', 'c6i.2xlarge'], subnetIds: ['subnet-a', 'subnet-b'] }),
    );

    const r = await useCase.execute({ job_id: 'job-abc123', task_token: 'AQCEAAAAKgAAAA' });

    expect(r._unsafeUnwrap()).toMatchObject({ instanceId: 'i-0abcd1234efgh5678', instanceType: 'c6i.2xlarge', spotRequestId: 'sir-abc123' });
    const calls = ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => `${c.InstanceType}@${c.SubnetId}`)).toEqual(['c5.2xlarge@subnet-a', 'c5.2xlarge@subnet-b', 'c6i.2xlarge@subnet-a']);
    // Each pool is its own request, so each has its own idempotency token.
    expect(new Set(calls.map((c) => c.ClientToken)).size).toBe(3);
    expect(new Set(calls.map((c) => c.UserData)).size).toBe(1);
  });
});
