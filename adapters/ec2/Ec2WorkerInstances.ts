import { DescribeInstancesCommand, TerminateInstancesCommand, type EC2Client, type Filter } from '@aws-sdk/client-ec2';
import type { WorkerInstance, WorkerInstances } from '../../application/ports/WorkerInstances.js';
import { EXECUTION_TAG, JOB_ID_TAG, ROLE_TAG } from '../../domain/launch/RenderLaunch.js';

/** TerminateInstances takes at most 1000 ids per call. */
const TERMINATE_BATCH = 1000;

/**
 * Worker instances through EC2: `DescribeInstances` filtered on Baton's tags and on
 * pending/running, page by page; `TerminateInstances` in batches. An id EC2 no longer knows
 * (`InvalidInstanceID.NotFound`) is already gone, which is what was asked.
 */
export class Ec2WorkerInstances implements WorkerInstances {
  constructor(private readonly ec2: EC2Client) {}

  async running(filter: { readonly executionArn?: string } = {}): Promise<readonly WorkerInstance[]> {
    const executionArn = filter.executionArn;
    const filters: Filter[] = [
      { Name: 'tag-key', Values: [ROLE_TAG] },
      { Name: 'instance-state-name', Values: ['pending', 'running'] },
      ...(executionArn === undefined ? [] : [{ Name: `tag:${EXECUTION_TAG}`, Values: [executionArn] }]),
    ];
    const found: WorkerInstance[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.ec2.send(new DescribeInstancesCommand({ Filters: filters, MaxResults: 1000, NextToken: nextToken }));
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          if (!instance.InstanceId) continue;
          const tag = (key: string) => instance.Tags?.find((t) => t.Key === key)?.Value;
          const arn = tag(EXECUTION_TAG);
          const jobId = tag(JOB_ID_TAG);
          found.push({
            instanceId: instance.InstanceId,
            launchedAt: instance.LaunchTime ?? new Date(0),
            ...(arn === undefined ? {} : { executionArn: arn }),
            ...(jobId === undefined ? {} : { jobId }),
          });
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return found;
  }

  async terminate(instanceIds: readonly string[]): Promise<void> {
    for (let i = 0; i < instanceIds.length; i += TERMINATE_BATCH) {
      const batch = instanceIds.slice(i, i + TERMINATE_BATCH);
      try {
        await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: batch }));
      } catch (error) {
        if ((error as { name?: unknown } | null)?.name !== 'InvalidInstanceID.NotFound') throw error;
        // One unknown id fails the whole call: terminate the rest one by one.
        for (const id of batch) {
          await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })).catch((e: unknown) => {
            if ((e as { name?: unknown } | null)?.name !== 'InvalidInstanceID.NotFound') throw e;
          });
        }
      }
    }
  }
}
