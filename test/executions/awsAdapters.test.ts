import { DescribeInstancesCommand, EC2Client, EC2ServiceException, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Ec2WorkerInstances } from '../../adapters/ec2/Ec2WorkerInstances.js';
import { StepFunctionsExecutions } from '../../adapters/stepfunctions/StepFunctionsExecutions.js';

const ec2Mock = mockClient(EC2Client);
const sfnMock = mockClient(SFNClient);
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:manga-pipeline:run-1';
const meta = { $metadata: {} };

const instance = (id: string, tags: Record<string, string>) => ({
  InstanceId: id,
  LaunchTime: new Date('2026-02-07T10:00:00Z'),
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

describe('Ec2WorkerInstances', () => {
  beforeEach(() => ec2Mock.reset());
  const workers = new Ec2WorkerInstances(new EC2Client({ region: 'us-east-1' }));

  it("lists pending and running Baton workers page by page, filtered by the execution's tag when asked", async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [instance('i-1', { 'baton:role': 'renderer', 'baton:execution-arn': ARN, 'baton:job-id': 'job-1' })] }], NextToken: 'p2' })
      .resolvesOnce({ Reservations: [{ Instances: [instance('i-2', { 'baton:role': 'uploader' })] }] });

    const found = await workers.running({ executionArn: ARN });

    expect(found).toEqual([
      { instanceId: 'i-1', launchedAt: new Date('2026-02-07T10:00:00Z'), executionArn: ARN, jobId: 'job-1' },
      { instanceId: 'i-2', launchedAt: new Date('2026-02-07T10:00:00Z') },
    ]);
    const calls = ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input);
    expect(calls[0]).toEqual({
      Filters: [
        { Name: 'tag-key', Values: ['baton:role'] },
        { Name: 'instance-state-name', Values: ['pending', 'running'] },
        { Name: 'tag:baton:execution-arn', Values: [ARN] },
      ],
      MaxResults: 1000,
      NextToken: undefined,
    });
    expect(calls[1]!.NextToken).toBe('p2');
  });

  it('terminates in one call, and one by one around an id EC2 no longer knows', async () => {
    const notFound = new EC2ServiceException({ name: 'InvalidInstanceID.NotFound', $fault: 'client', ...meta });
    ec2Mock
      .on(TerminateInstancesCommand, { InstanceIds: ['i-1', 'i-gone'] })
      .rejects(notFound)
      .on(TerminateInstancesCommand, { InstanceIds: ['i-gone'] })
      .rejects(notFound)
      .on(TerminateInstancesCommand, { InstanceIds: ['i-1'] })
      .resolves({});

    await expect(workers.terminate(['i-1', 'i-gone'])).resolves.toBeUndefined();
    expect(ec2Mock.commandCalls(TerminateInstancesCommand).map((c) => c.args[0].input.InstanceIds)).toEqual([['i-1', 'i-gone'], ['i-1'], ['i-gone']]);
  });

  it('lets any other EC2 fault through', async () => {
    ec2Mock.on(TerminateInstancesCommand).rejects(new EC2ServiceException({ name: 'UnauthorizedOperation', $fault: 'client', ...meta }));

    await expect(workers.terminate(['i-1'])).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
  });
});

describe('StepFunctionsExecutions', () => {
  beforeEach(() => sfnMock.reset());
  const executions = new StepFunctionsExecutions(new SFNClient({ region: 'us-east-1' }));

  it("reads an execution's status, and UNKNOWN for one Step Functions does not know", async () => {
    sfnMock
      .on(DescribeExecutionCommand, { executionArn: ARN })
      .resolves({ status: 'ABORTED' } as never)
      .on(DescribeExecutionCommand, { executionArn: `${ARN}-x` })
      .rejects(new ExecutionDoesNotExist({ message: 'gone', ...meta }));

    expect(await executions.status(ARN)).toBe('ABORTED');
    expect(await executions.status(`${ARN}-x`)).toBe('UNKNOWN');
  });
});
