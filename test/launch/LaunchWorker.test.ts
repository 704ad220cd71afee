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
    {
      reportChannel: channel,
      spotInstances: parts.spot,
      ids: new SequentialIds(),
      clock: new ManualClock('2026-02-07T10:00:00Z'),
      log: parts.log,
      metrics: parts.metrics,
    },
    aLaunchSettings({ instanceTypes: ['c5.2xlarge', 'c6i.2xlarge'], subnetIds: ['subnet-a', 'subnet-b'], ...settings }),
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

    (await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN }))._unsafeUnwrap();

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

  it('an unknown EC2 fault rejects (so retries apply) and keeps the mapping, since an instance may have started', async () => {
    const { useCase, spot, mappings } = setup();
    spot.failNextWith(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));

    await expect(useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN })).rejects.toThrow('socket hang up');
    expect(mappings.all()).toEqual([expect.objectContaining({ status: 'PENDING', taskToken: TASK_TOKEN })]);
  });

  it('launches at most one instance for a task delivered twice: the same mapping, the same client tokens', async () => {
    const { useCase, spot, mappings, metrics } = setup();

    const first = (await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN }))._unsafeUnwrap();
    const again = (await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN }))._unsafeUnwrap();

    expect(again.instanceId).toBe(first.instanceId);
    expect(spot.instances).toHaveLength(1);
    expect(mappings.all()).toHaveLength(1);
    expect(metrics.get('WorkerLaunchesReplayed')).toBe(1);
  });

  it('re-finds an instance whose launch answer was lost, in whichever pool it landed, even if an earlier pool has room now', async () => {
    const { useCase, spot } = setup();
    spot.refuse({ instanceType: 'c5.2xlarge', subnetId: 'subnet-a' });
    // First delivery: pool 1 refuses, pool 2 launches, and the answer is lost.
    const lost = spot.launch.bind(spot);
    let calls = 0;
    spot.launch = (request) => {
      calls += 1;
      const answer = lost(request);
      return calls === 2 ? answer.andThen(() => { throw Object.assign(new Error('timed out'), { name: 'TimeoutError' }); }) : answer;
    };
    // DescribeInstances is eventually consistent: right after the fault, the instance is not visible yet.
    const find = spot.findLaunched.bind(spot);
    spot.findLaunched = () => Promise.resolve(undefined);
    await expect(useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN })).rejects.toThrow('timed out');
    spot.launch = lost;
    spot.findLaunched = find;
    spot.refusals.length = 0;

    const retried = (await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN }))._unsafeUnwrap();

    expect(spot.instances).toHaveLength(1);
    expect(retried).toMatchObject({ instanceId: spot.instances[0]!.instance.instanceId, instanceType: 'c5.2xlarge' });
    expect(spot.instances[0]!.request.subnetId).toBe('subnet-b');
  });

  it('adopts at once an instance whose launch answer was lost, found by its client token', async () => {
    const { useCase, spot, metrics } = setup();
    const lost = spot.launch.bind(spot);
    spot.launch = (request) => lost(request).andThen(() => { throw Object.assign(new Error('timed out'), { name: 'TimeoutError' }); });

    const launched = (await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN }))._unsafeUnwrap();

    expect(spot.instances).toHaveLength(1);
    expect(launched.instanceId).toBe(spot.instances[0]!.instance.instanceId);
    expect(metrics.get('WorkersLaunched')).toBe(1);
  });

  it('keys each pool\'s EC2 client token by role, task token, instance type and subnet', async () => {
    const { useCase, spot } = setup();
    spot.refuse({ subnetId: 'subnet-a' });

    (await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN }))._unsafeUnwrap();
    (await useCase.execute({ job_id: 'job-other', task_token: TASK_TOKEN.replace('z', 'y') }))._unsafeUnwrap();

    const tokens = spot.instances.map((i) => i.request.clientToken);
    expect(tokens).toHaveLength(2);
    expect(new Set(tokens).size).toBe(2);
    expect(tokens.every((t) => /^[0-9a-f]{64}$/.test(t))).toBe(true);
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

  it('refuses a launch it cannot plan before storing anything: no mapping is left to discard', async () => {
    const { useCase, spot, mappings } = setup({ command: 'python -m worker\u0000--evil' });

    const r = await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN });

    expect(r).toEqual(err({ type: 'InvalidInput', issues: [{ field: 'WORKER_COMMAND', message: 'must not contain NUL characters' }] }));
    expect(spot.attempts).toEqual([]);
    expect(mappings.all()).toEqual([]);
    expect(mappings.calls.create).toBe(0);
  });

  it('never logs the task token or the callback token whole', async () => {
    const { useCase, log, mappings } = setup();
    (await useCase.execute({ job_id: 'job-abc123', task_token: TASK_TOKEN }))._unsafeUnwrap();
    const text = JSON.stringify(log.records);
    expect(text).not.toContain(TASK_TOKEN);
    expect(text).not.toContain(mappings.all()[0]!.callbackToken);
  });
});
