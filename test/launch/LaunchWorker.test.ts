import { err } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { InMemoryCallbackMappings } from '../../adapters/memory/InMemoryCallbackMappings.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemorySpotInstances } from '../../adapters/memory/InMemorySpotInstances.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { SequentialIds } from '../../adapters/memory/SequentialIds.js';
import { LaunchWorker, type WorkerReportChannel } from '../../application/launch/LaunchWorker.js';
import type { WorkerLaunchSettings } from '../../domain/launch/RenderLaunch.js';
import { readWorkerEnvironment } from '../../domain/launch/userDataScript.js';
import { aLaunchSettings } from './builders.js';

const TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAA' + 'z'.repeat(40);

function setup(settings: Partial<WorkerLaunchSettings> = {}, optIn = false) {
  const mappings = new InMemoryCallbackMappings();
  const channel: WorkerReportChannel = optIn ? { kind: 'taskTokenInUserData' } : { kind: 'callbacksTable', tableName: 'baton-callbacks', mappings };
  const parts = {
    spot: new InMemorySpotInstances(),
    mappings,
    log: new RecordingLog(),
    metrics: new InMemoryMetrics(),
  };
  const useCase = new LaunchWorker(
    aLaunchSettings({ instanceTypes: ['c5.2xlarge', 'c6i.2xlarge'], subnetIds: ['subnet-a', 'subnet-b'], ...settings }),
    channel,
    parts.spot,
    new SequentialIds(),
    new ManualClock('2026-02-07T10:00:00Z'),
    parts.log,
    parts.metrics,
  );
  return { useCase, ...parts };
}

describe('LaunchWorker', () => {
  it('stores the task token under a callback token before launching, and gives the worker only the callback token', async () => {
    const { useCase, spot, mappings } = setup();
    const pendingAtLaunch: string[] = [];
    spot.onLaunch(() => pendingAtLaunch.push(...mappings.all().map((m) => m.status)));

    const r = await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN });

    expect(r._unsafeUnwrap()).toMatchObject({ jobId: 'job-abc123', instanceType: 'c5.2xlarge', refusedAttempts: [] });
    expect(pendingAtLaunch).toEqual(['PENDING']);
    const [mapping] = mappings.all();
    expect(mapping).toMatchObject({ taskToken: TASK_TOKEN, jobId: 'job-abc123', status: 'PENDING' });
    const env = readWorkerEnvironment(spot.instances[0]!.request.userData);
    expect(env.get('CALLBACK_TOKEN')).toBe(mapping!.callbackToken);
    expect(env.get('CALLBACK_TABLE_NAME')).toBe('baton-callbacks');
    expect(env.get('JOB_ID')).toBe('job-abc123');
    expect(spot.instances[0]!.request.userData).not.toContain(TASK_TOKEN);
  });

  it('puts the task token in user-data, and stores nothing, only when opted in', async () => {
    const { useCase, spot, mappings } = setup({}, true);

    await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN });

    expect(mappings.all()).toEqual([]);
    expect(readWorkerEnvironment(spot.instances[0]!.request.userData).get('TASK_TOKEN')).toBe(TASK_TOKEN);
  });

  it('falls back through the pools in order on capacity errors and reports each refusal', async () => {
    const { useCase, spot, log, metrics } = setup();
    spot.refuse({ instanceType: 'c5.2xlarge', subnetId: 'subnet-a' }).refuse({ instanceType: 'c5.2xlarge', subnetId: 'subnet-b' }, 'SpotMaxPriceTooLow');

    const r = await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN });

    expect(spot.attempts).toEqual(['c5.2xlarge@subnet-a', 'c5.2xlarge@subnet-b', 'c6i.2xlarge@subnet-a']);
    expect(r._unsafeUnwrap()).toMatchObject({
      instanceType: 'c6i.2xlarge',
      refusedAttempts: [
        { instanceType: 'c5.2xlarge', subnetId: 'subnet-a', code: 'InsufficientInstanceCapacity' },
        { instanceType: 'c5.2xlarge', subnetId: 'subnet-b', code: 'SpotMaxPriceTooLow' },
      ],
    });
    const warnings = log.records.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => [w.fields.instance_type, w.fields.subnet_id, w.fields.code])).toEqual([
      ['c5.2xlarge', 'subnet-a', 'InsufficientInstanceCapacity'],
      ['c5.2xlarge', 'subnet-b', 'SpotMaxPriceTooLow'],
    ]);
    expect(metrics.get('SpotCapacityRefusals')).toBe(2);
    expect(metrics.get('WorkersLaunched')).toBe(1);
  });

  it('when no pool has capacity, returns every attempt and discards the unused mapping', async () => {
    const { useCase, spot, mappings } = setup();
    spot.refuse({}, 'InsufficientInstanceCapacity');

    const r = await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN });

    expect(r).toEqual(
      err({
        type: 'SpotCapacityExhausted',
        attempts: ['c5.2xlarge@subnet-a', 'c5.2xlarge@subnet-b', 'c6i.2xlarge@subnet-a', 'c6i.2xlarge@subnet-b'].map((pool) => {
          const [instanceType, subnetId] = pool.split('@');
          return { instanceType, subnetId, code: 'InsufficientInstanceCapacity', message: 'InsufficientInstanceCapacity (in memory)' };
        }),
      }),
    );
    expect(mappings.all()).toEqual([]);
  });

  it('an unknown EC2 fault rejects (so retries apply) and leaves no mapping behind', async () => {
    const { useCase, spot, mappings } = setup();
    spot.failNextWith(Object.assign(new Error('Not authorized'), { name: 'UnauthorizedOperation' }));

    await expect(useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN })).rejects.toThrow('Not authorized');
    expect(mappings.all()).toEqual([]);
  });

  it('refuses malformed input, naming every field, before storing or launching anything', async () => {
    const { useCase, spot, mappings } = setup();

    const r = await useCase.execute({ job_id: 'job\nx', task_token: '' });

    expect(r).toEqual(
      err({
        type: 'InvalidInput',
        issues: [
          { field: 'job_id', message: 'must not contain control characters' },
          { field: 'task_token', message: 'must not be empty' },
        ],
      }),
    );
    expect(spot.attempts).toEqual([]);
    expect(mappings.all()).toEqual([]);
  });

  it('never logs the task token or the callback token whole', async () => {
    const { useCase, log, mappings } = setup();
    await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN });
    const text = JSON.stringify(log.records);
    expect(text).not.toContain(TASK_TOKEN);
    expect(text).not.toContain(mappings.all()[0]!.callbackToken);
  });
});
