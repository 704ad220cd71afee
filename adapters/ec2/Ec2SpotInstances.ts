import {
  DescribeInstancesCommand,
  RunInstancesCommand,
  type EC2Client,
  type RunInstancesCommandInput,
  type TagSpecification,
} from '@aws-sdk/client-ec2';
import { err, ok, ResultAsync } from 'neverthrow';
import type {
  LaunchedInstance,
  SpotCapacityUnavailable,
  SpotInstances,
  SpotLaunchRequest,
} from '../../application/ports/SpotInstances.js';
import { isCapacityError } from '../../domain/launch/SpotCapacity.js';

/**
 * Spot instances through `RunInstances` with one-time Spot market options.
 *
 * Why not `CreateFleet` (type instant), which tries several pools in one call: a fleet needs
 * a launch template, and user-data differs per job, so every launch would first create a
 * template version (one more call, one more permission, versions to clean up); its per-pool
 * errors come back as a list beside a partial success. One `RunInstances` per pool gives the
 * instance and its Spot request id synchronously and one clear error per pool, which
 * LaunchWorker walks through in the configured order.
 *
 * Instances terminate on power-off and require IMDSv2 (the user-data, readable from the
 * metadata service, is then out of reach of a simple SSRF).
 *
 * @example
 * const spot = new Ec2SpotInstances(new EC2Client({}));
 */
export class Ec2SpotInstances implements SpotInstances {
  constructor(private readonly ec2: EC2Client) {}

  launch(request: SpotLaunchRequest): ResultAsync<LaunchedInstance, SpotCapacityUnavailable> {
    const sent = this.ec2.send(new RunInstancesCommand(runInstancesInput(request))).then(
      (response) => {
        const instance = response.Instances?.[0];
        if (!instance?.InstanceId || !instance.SpotInstanceRequestId) {
          throw new Error(`RunInstances returned no Spot instance: ${JSON.stringify(response.Instances ?? [])}`);
        }
        return ok<LaunchedInstance, SpotCapacityUnavailable>({
          instanceId: instance.InstanceId,
          instanceType: instance.InstanceType ?? request.instanceType,
          spotRequestId: instance.SpotInstanceRequestId,
        });
      },
      (error: unknown) => {
        const code = errorCode(error);
        if (code === undefined || !isCapacityError(code)) throw error;
        return err<LaunchedInstance, SpotCapacityUnavailable>({
          type: 'SpotCapacityUnavailable',
          code,
          message: error instanceof Error ? error.message : String(error),
          cause: error,
        });
      },
    );
    return new ResultAsync(sent);
  }

  async findLaunched(clientTokens: readonly string[]): Promise<LaunchedInstance | undefined> {
    if (clientTokens.length === 0) return undefined;
    const response = await this.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'client-token', Values: [...clientTokens] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
        ],
      }),
    );
    const instance = (response.Reservations ?? []).flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId);
    if (!instance?.InstanceId) return undefined;
    return {
      instanceId: instance.InstanceId,
      instanceType: instance.InstanceType ?? '',
      spotRequestId: instance.SpotInstanceRequestId ?? '',
    };
  }
}

/** The exact request: exported so the adapter's tests can state it in one place. */
function runInstancesInput(request: SpotLaunchRequest): RunInstancesCommandInput {
  const tags = request.tags.map((t) => ({ Key: t.key, Value: t.value }));
  const tagged = (ResourceType: TagSpecification['ResourceType']): TagSpecification => ({ ResourceType, Tags: tags });
  return {
    ImageId: request.amiId,
    InstanceType: request.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    SubnetId: request.subnetId,
    SecurityGroupIds: [...request.securityGroupIds],
    IamInstanceProfile: request.iamInstanceProfile.startsWith('arn:')
      ? { Arn: request.iamInstanceProfile }
      : { Name: request.iamInstanceProfile },
    UserData: Buffer.from(request.userData, 'utf8').toString('base64'),
    InstanceMarketOptions: {
      MarketType: 'spot',
      SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
    },
    InstanceInitiatedShutdownBehavior: 'terminate',
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    TagSpecifications: [tagged('instance'), tagged('spot-instances-request'), tagged('volume')],
    ClientToken: request.clientToken,
  };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, Code } = error as { name?: unknown; Code?: unknown };
  if (typeof Code === 'string') return Code;
  return typeof name === 'string' ? name : undefined;
}
