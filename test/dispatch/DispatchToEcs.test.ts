import { err } from 'neverthrow';
import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryContainerTasks } from '../../adapters/memory/InMemoryContainerTasks.js';
import { InMemoryDispatches } from '../../adapters/memory/InMemoryDispatches.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { DispatchToEcs } from '../../application/dispatch/DispatchToEcs.js';
import type { DispatchSettings } from '../../application/dispatch/DispatchSettings.js';
import { invalidField } from '../../domain/shared/InvalidInput.js';
import { aDispatch, aJobId, MAGNET_URL, STREAM_URL, T0 } from './builders.js';

const SETTINGS: DispatchSettings = {
  taskDefinition: 'recorder:3',
  containerName: 'recorder',
  transmissionTaskDefinition: 'transmission:1',
  transmissionContainerName: 'transmission',
  bucket: 'recordings-bucket',
  ttlDays: 7,
  leaseSeconds: 120,
};

describe('DispatchToEcs', () => {
  let dispatches: InMemoryDispatches;
  let tasks: InMemoryContainerTasks;
  let clock: ManualClock;
  let metrics: InMemoryMetrics;
  let log: RecordingLog;
  let dispatch: DispatchToEcs;

  function make(settings: DispatchSettings = SETTINGS): DispatchToEcs {
    return new DispatchToEcs({ dispatches, containerTasks: tasks, clock, log, metrics }, settings);
  }

  beforeEach(() => {
    dispatches = new InMemoryDispatches();
    tasks = new InMemoryContainerTasks();
    clock = new ManualClock(T0);
    metrics = new InMemoryMetrics();
    log = new RecordingLog();
    dispatch = make();
  });

  it('records the job and launches one task with the sanitised values as its environment', async () => {
    const r = await dispatch.execute({ request: { url: ` ${STREAM_URL} ` }, defaultJobId: 'job-1' });

    expect(r.isOk() && r.value.type).toBe('Launched');
    expect(tasks.tasks()).toHaveLength(1);
    expect(tasks.calls[0]).toEqual({
      taskDefinition: 'recorder:3',
      containerName: 'recorder',
      environment: {
        JOB_ID: 'job-1',
        SOURCE_URL: STREAM_URL,
        SOURCE_KIND: 'stream',
        S3_BUCKET: 'recordings-bucket',
        S3_KEY_PREFIX: 'recordings/job-1/',
      },
      idempotencyKey: 'job-1#1',
    });
    const stored = dispatches.all()[0]!;
    expect(stored.job.status).toBe('processing');
    expect(stored.launch.taskArn).toBe(tasks.tasks()[0]!.taskArn);
    expect(stored.job.spec).toEqual({ url: STREAM_URL });
    expect(metrics.get('EcsTaskLaunched')).toBe(1);
    expect(log.messages()).toContain('ECS task launched');
    expect(log.records.find((l) => l.message === 'ECS task launched')?.fields).toMatchObject({ job_id: 'job-1' });
  });

  it('prefers the job_id of the body to the default', async () => {
    (await dispatch.execute({ request: { url: STREAM_URL, job_id: 'from-body' }, defaultJobId: 'from-message-id' }))._unsafeUnwrap();

    expect(dispatches.all().map((d) => d.job.jobId)).toEqual(['from-body']);
  });

  it('sends torrents and magnet links to the Transmission task definition', async () => {
    (await dispatch.execute({ request: { url: MAGNET_URL }, defaultJobId: 'magnet-1' }))._unsafeUnwrap();
    (await dispatch.execute({ request: { url: 'https://example.com/a.torrent' }, defaultJobId: 'file-1' }))._unsafeUnwrap();

    expect(tasks.calls.map((c) => [c.taskDefinition, c.containerName, c.environment['SOURCE_KIND']])).toEqual([
      ['transmission:1', 'transmission', 'torrent'],
      ['transmission:1', 'transmission', 'torrent'],
    ]);
  });

  it('refuses a torrent when no Transmission task definition is configured, storing nothing', async () => {
    const { transmissionTaskDefinition: _, ...withoutTransmission } = SETTINGS;

    const r = await make(withoutTransmission).execute({ request: { url: MAGNET_URL }, defaultJobId: 'm' });

    expect(r.isErr() && r.error.type).toBe('TorrentsNotConfigured');
    expect(dispatches.all()).toEqual([]);
    expect(tasks.calls).toEqual([]);
  });

  it.each([
    [{}, invalidField('url', 'is required')],
    [{ url: 42 }, invalidField('url', 'must be a string')],
    [{ url: 'ftp://example.com/x' }, invalidField('url', 'scheme must be one of http, https, rtmp, rtmps, magnet')],
    [{ url: STREAM_URL, job_id: '../etc' }, invalidField('job_id', 'must be 1-128 letters, digits, _ . : - (starting with a letter or digit)')],
    [null, invalidField('', 'the body must be a JSON object')],
    [[STREAM_URL], invalidField('url', 'is required')],
  ])('refuses %j before storing anything', async (request, error) => {
    const r = await dispatch.execute({ request, defaultJobId: 'job-x' });

    expect(r).toEqual(err(error));
    expect(dispatches.calls.create).toBe(0);
    expect(metrics.get('DispatchInvalidInput')).toBe(1);
  });

  it('names the header when the default job id (an Idempotency-Key) is malformed', async () => {
    const r = await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'has space', defaultJobIdField: 'Idempotency-Key' });

    expect(r.isErr() && r.error.type === 'InvalidInput' && r.error.issues[0]!.field).toBe('Idempotency-Key');
  });

  it('launches once however often the job is delivered, one after another', async () => {
    const first = await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'dup' });
    const second = await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'dup' });

    expect(first.isOk() && first.value.type).toBe('Launched');
    expect(second.isOk() && second.value.type).toBe('AlreadyLaunched');
    expect(tasks.calls).toHaveLength(1);
    expect(metrics.get('DispatchDuplicates')).toBe(1);
  });

  it('costs three store and ECS calls for a new job, and one conditional write for a duplicate', async () => {
    (await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'cost' }))._unsafeUnwrap();
    const afterFirst = { ...dispatches.calls, ecs: tasks.calls.length };
    (await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'cost' }))._unsafeUnwrap();

    expect(afterFirst).toEqual({ create: 1, replace: 1, find: 0, ecs: 1 });
    expect({ ...dispatches.calls, ecs: tasks.calls.length }).toEqual({ create: 2, replace: 1, find: 0, ecs: 1 });
  });

  it('launches once when 20 deliveries of one job arrive at the same time', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'burst' })),
    );

    expect(tasks.calls).toHaveLength(1);
    expect(results.filter((r) => r.isOk() && r.value.type === 'Launched')).toHaveLength(1);
    for (const r of results) {
      expect(r.isOk() ? r.value.type : r.error.type).toMatch(/^(Launched|AlreadyLaunched|LaunchInProgress)$/);
    }
  });

  it('refuses a job id reused for another source', async () => {
    (await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'k' }))._unsafeUnwrap();

    const r = await dispatch.execute({ request: { url: 'https://example.com/other' }, defaultJobId: 'k' });

    expect(r.isErr() && r.error.type).toBe('JobIdReused');
    expect(tasks.calls).toHaveLength(1);
  });

  it('leaves the job submitted when ECS has no capacity, and launches it on a later delivery with a new attempt', async () => {
    tasks.failNext({ type: 'CapacityUnavailable', failures: [{ reason: 'RESOURCE:MEMORY', kind: 'capacity' }] });

    const full = await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'cap' });
    clock.advanceSeconds(30);
    const later = await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'cap' });

    expect(full.isErr() && full.error).toMatchObject({ type: 'CapacityUnavailable', reasons: ['RESOURCE:MEMORY'] });
    expect(later.isOk() && later.value.type).toBe('Launched');
    expect(tasks.calls.map((c) => c.idempotencyKey)).toEqual(['cap#1', 'cap#2']);
    expect(metrics.get('EcsTaskLaunchFailed')).toBe(1);
    expect(metrics.get('EcsCapacityUnavailable')).toBe(1);
    expect(dispatches.all()[0]!.job.status).toBe('processing');
  });

  it('fails the job when ECS refuses for good, and does not call ECS again for a repeat', async () => {
    tasks.failNext({ type: 'LaunchRejected', failures: [{ reason: 'MISSING', kind: 'missing' }] });

    const first = await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'bad' });
    const repeat = await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'bad' });

    expect(first.isErr() && first.error).toMatchObject({ type: 'LaunchRejected', reasons: ['MISSING'] });
    expect(repeat.isErr() && repeat.error).toMatchObject({ type: 'LaunchRejected', reasons: ['MISSING'] });
    expect(tasks.calls).toHaveLength(1);
    expect(dispatches.all()[0]!.job).toMatchObject({ status: 'failed', error: { type: 'LaunchRejected' } });
    expect(metrics.get('EcsLaunchRejected')).toBe(1);
  });

  it('repeats an attempt whose outcome was lost with the same ECS key, at once', async () => {
    tasks.failNext({ type: 'ContainerTasksUnavailable', cause: new Error('ThrottlingException') });

    const lost = await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'lost' });
    const repeat = await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 'lost' });

    expect(lost.isErr() && lost.error.type).toBe('LaunchOutcomeUnknown');
    expect(repeat.isOk() && repeat.value.type).toBe('Launched');
    expect(tasks.calls.map((c) => c.idempotencyKey)).toEqual(['lost#1', 'lost#1']);
  });

  it('takes over a launch whose holder died once its lease has run out, with the same ECS key', async () => {
    const orphan = aDispatch({ jobId: aJobId(), now: T0 });
    (await dispatches.create(orphan))._unsafeUnwrap();

    const early = await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: orphan.job.jobId });
    clock.advanceSeconds(121);
    const late = await dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: orphan.job.jobId });

    expect(early.isErr() && early.error.type).toBe('LaunchInProgress');
    expect(late.isOk() && late.value.type).toBe('Launched');
    expect(tasks.calls.map((c) => c.idempotencyKey)).toEqual([`${orphan.job.jobId}#1`]);
  });

  it('lets a throttled store reject, so the message or request is retried', async () => {
    dispatches.throttleNext(1);

    await expect(dispatch.execute({ request: { url: STREAM_URL }, defaultJobId: 't' })).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(tasks.calls).toEqual([]);
  });
});
