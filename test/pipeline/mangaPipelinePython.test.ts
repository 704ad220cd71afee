import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject, it, vi } from 'vitest';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { callbacksTable } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { InMemoryStepFunctions } from '../../adapters/memory/InMemoryStepFunctions.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { startFakeStepFunctions, type FakeStepFunctions } from '../support/fakeStepFunctions.js';
import { createLocalTable, localDynamoDbClient } from '../support/localTables.js';
import { describePython, PYTHON, PYTHON_PACKAGE_DIR, pythonWorkerEnv } from '../support/python.js';
import { pipelineHarness } from './pipelineHarness.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/python');

/**
 * The manga pipeline with the seed's renderer as a real Python process: the instance's
 * user-data is run as written (`bash -c "$WORKER_COMMAND"`, i.e. `python -m src.renderer.main`
 * in the worker's checkout, here examples/python), and it reports through baton_worker to a
 * callbacks table in DynamoDB Local and to Step Functions over its wire protocol.
 */
describePython('the manga pipeline with the Python renderer (examples/python, baton_worker)', () => {
  let bin: string;
  let sfn: FakeStepFunctions;
  let mappings: DynamoDbCallbackMappings;
  let table: string;
  const clock = new ManualClock('2026-02-07T10:00:00Z');
  const engine = new InMemoryStepFunctions(clock);

  beforeAll(async () => {
    // What the bootstrap's venv gives the command: a `python` on PATH (here Debian's, with boto3).
    bin = mkdtempSync(join(tmpdir(), 'baton-venv-bin-'));
    symlinkSync(PYTHON, join(bin, 'python'));
    const db = localDynamoDbClient();
    table = await createLocalTable(db, callbacksTable);
    mappings = new DynamoDbCallbackMappings(db, table);
    sfn = await startFakeStepFunctions(engine);
  });
  afterAll(async () => {
    await sfn.close();
    rmSync(bin, { recursive: true, force: true });
  });

  const harness = (extraEnv: Record<string, string> = {}) =>
    pipelineHarness({
      clock,
      sfn: engine,
      mappings,
      callbackTableName: table,
      processes: {
        roles: ['renderer'],
        cwd: EXAMPLE,
        env: pythonWorkerEnv({
          PATH: `${bin}:${process.env['PATH']}`,
          PYTHONPATH: PYTHON_PACKAGE_DIR,
          AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint'),
          AWS_ENDPOINT_URL_SFN: sfn.endpoint,
          ...extraEnv,
        }),
      },
    });

  it('happy path: the Python renderer heartbeats, reports once, and the execution goes on to upload and clean up', async () => {
    const h = harness();

    const result = await h.run({}, 'exec-python-ok');

    expect(result.status, h.processOutput.join('\n')).toBe('SUCCEEDED');
    expect(h.states()).toEqual(['ReserveQuota', 'FetchManga', 'GenerateScript', 'GenerateTTS', 'StartRenderer', 'StartUploader', 'Cleanup']);
    expect((result as { output: any }).output.render).toEqual({ job_id: 'job-abc123', status: 'completed', video_key: 'runs/job-abc123/video.mp4' });
    const rendererTask = engine.allTasks().find((t) => t.execution === 'exec-local-1' && t.output?.includes('video_key'))!;
    expect(rendererTask.resumeCalls).toBe(1);
    expect(sfn.requests.filter((r) => r.operation === 'SendTaskHeartbeat').length).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => expect(h.processOutput).toEqual([expect.stringMatching(/^renderer exited 0/)]), { timeout: 10_000 });
  });

  it('a render failure is reported as RenderError: HandleError marks the job failed and the slot is given back', async () => {
    const h = harness({ EXAMPLE_RENDER_FAILURE: 'ffmpeg exited with code 1' });

    const result = await h.run({}, 'exec-python-fails');

    expect(result).toMatchObject({ status: 'FAILED', error: 'RenderError', cause: 'ffmpeg exited with code 1' });
    expect(h.states().slice(-3)).toEqual(['StartRenderer', 'HandleError', 'ReleaseQuotaAfterFailure']);
    expect(h.jobs.all()).toMatchObject([{ jobId: 'job-abc123', status: 'failed', error: { state: 'StartRenderer' } }]);
    expect(h.counters.tally('2026-02-07').count).toBe(0);
  });
});
