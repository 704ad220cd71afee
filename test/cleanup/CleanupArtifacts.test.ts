import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemoryRunArtifacts } from '../../adapters/memory/InMemoryRunArtifacts.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { SequentialIds } from '../../adapters/memory/SequentialIds.js';
import { Cleanup, cleanupPortsModule, cleanupUseCasesModule } from '../../entrypoints/container/cleanupModule.js';
import { newContainer } from '../../entrypoints/container/newContainer.js';
import { platformModule } from '../../entrypoints/container/platformModule.js';
import { cleanupHandler } from '../../entrypoints/handlers/cleanup.js';

/** The cleanup use-case and handler, wired by the composition root onto an in-memory bucket. */
function aCleanupWorld() {
  const artifacts = new InMemoryRunArtifacts()
    .put('runs/job-abc123/panels/001.png', 1000)
    .put('runs/job-abc123/audio/seg_001.mp3', 24_000)
    .put('runs/job-abc123/video/final.mp4', 500_000)
    .put('runs/job-abc1234/keep.png', 7);
  const log = new RecordingLog();
  const metrics = new InMemoryMetrics();
  const container = newContainer();
  container.load(
    platformModule({ clock: new ManualClock(), ids: new SequentialIds(), log, metrics }),
    cleanupPortsModule({ artifacts }),
    cleanupUseCasesModule(),
  );
  const useCase = container.get(Cleanup.CleanupArtifacts);
  return { artifacts, log, metrics, useCase, handler: cleanupHandler(useCase) };
}

describe('CleanupArtifacts', () => {
  it("deletes the run's artifacts and reports seed 003's totals", async () => {
    const w = aCleanupWorld();

    const r = await w.useCase.execute({ job_id: 'job-abc123' });

    expect(r).toEqual(ok({ jobId: 'job-abc123', objectsDeleted: 3, bytesFreed: 525_000 }));
    expect(w.artifacts.keys()).toEqual(['runs/job-abc1234/keep.png']);
    expect(w.log.records).toEqual([
      {
        level: 'info',
        message: 'Run artifacts deleted',
        fields: { job_id: 'job-abc123', prefix: 'runs/job-abc123/', objects_deleted: 3, bytes_freed: 525_000 },
      },
    ]);
    expect([w.metrics.get('ArtifactsDeleted'), w.metrics.get('ArtifactBytesFreed')]).toEqual([3, 525_000]);
  });

  it.each([
    [{}, 'job_id', 'is required'],
    [{ job_id: 12 }, 'job_id', 'must be a string'],
    [{ job_id: '' }, 'job_id', 'must not be empty (the prefix would be every run)'],
    [{ job_id: '../job-abc1234' }, 'job_id', "must not contain '/' or '\\' (the prefix would reach other folders)"],
    [{ job_id: '*' }, 'job_id', 'must not contain wildcards (* ? [ ] { })'],
  ])('refuses %j before touching the bucket', async (input, field, message) => {
    const w = aCleanupWorld();

    expect(await w.useCase.execute(input)).toEqual(err({ type: 'InvalidInput', issues: [{ field, message }] }));
    expect(w.artifacts.calls.deleteUnder).toBe(0);
  });

  it('deletes what it can, reports every key left, and a rerun finishes the job', async () => {
    const w = aCleanupWorld();
    w.artifacts.refuse('runs/job-abc123/video/final.mp4', 'InternalError', 'We encountered an internal error.');

    const first = await w.useCase.execute({ job_id: 'job-abc123' });

    expect(first).toEqual(
      err({
        type: 'ArtifactsLeft',
        jobId: 'job-abc123',
        objectsDeleted: 2,
        bytesFreed: 25_000,
        failures: [{ key: 'runs/job-abc123/video/final.mp4', code: 'InternalError', message: 'We encountered an internal error.' }],
      }),
    );
    expect(w.log.records.at(-1)).toMatchObject({
      level: 'error',
      message: 'Some run artifacts could not be deleted',
      fields: { job_id: 'job-abc123', objects_failed: 1, failures: [{ key: 'runs/job-abc123/video/final.mp4', code: 'InternalError' }] },
    });
    expect(w.metrics.get('ArtifactDeletesFailed')).toBe(1);

    w.artifacts.allow('runs/job-abc123/video/final.mp4');
    expect(await w.useCase.execute({ job_id: 'job-abc123' })).toEqual(ok({ jobId: 'job-abc123', objectsDeleted: 1, bytesFreed: 500_000 }));
  });
});

describe('cleanup handler', () => {
  it("answers seed 003's shape", async () => {
    const w = aCleanupWorld();

    expect(await w.handler({ job_id: 'job-abc123' })).toEqual({ job_id: 'job-abc123', objects_deleted: 3, bytes_freed: 525_000 });
  });

  it('throws InvalidInput for a job id that would widen the prefix', async () => {
    const w = aCleanupWorld();

    await expect(w.handler({ job_id: '..' })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: "job_id: must not be '.' or contain '..' (a path step out of the run's folder)",
    });
  });

  it('throws CleanupIncomplete naming the first keys left, so Step Functions retries', async () => {
    const w = aCleanupWorld();
    for (let i = 0; i < 7; i += 1) w.artifacts.put(`runs/job-abc123/locked/${i}`, 1).refuse(`runs/job-abc123/locked/${i}`);

    const thrown = await w.handler({ job_id: 'job-abc123' }).catch((e: unknown) => e);

    expect(thrown).toMatchObject({
      name: 'CleanupIncomplete',
      details: { job_id: 'job-abc123', objects_deleted: 3, bytes_freed: 525_000, objects_failed: 7 },
    });
    expect((thrown as Error).message).toBe(
      '7 object(s) under runs/job-abc123/ could not be deleted: runs/job-abc123/locked/0 (AccessDenied), ' +
        'runs/job-abc123/locked/1 (AccessDenied), runs/job-abc123/locked/2 (AccessDenied), ' +
        'runs/job-abc123/locked/3 (AccessDenied), runs/job-abc123/locked/4 (AccessDenied), and 2 more; ' +
        '3 deleted (525000 bytes). Retrying deletes only what is left.',
    );
  });
});
