import { UpdateJobStatus } from '../../application/jobs/UpdateJobStatus.js';
import { HandlePipelineError } from '../../application/pipeline/HandlePipelineError.js';
import { InMemoryErrorNotifications } from '../../adapters/memory/InMemoryErrorNotifications.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';

export function pipelineErrorWorld(withTopic = true) {
  const jobs = new InMemoryJobs();
  const clock = new ManualClock('2026-01-06T12:00:00Z');
  const log = new RecordingLog();
  const metrics = new InMemoryMetrics();
  const alerts = new InMemoryErrorNotifications();
  const update = new UpdateJobStatus({ jobs, clock, log, metrics });
  const handle = new HandlePipelineError({
    jobs,
    updateJobStatus: update,
    errorNotifications: withTopic ? alerts : undefined,
    clock,
    log,
    metrics,
  });
  return { jobs, clock, log, metrics, alerts, update, handle };
}

/** seed 003's example input. */
export function anErrorEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    job_id: 'job-abc123',
    error: {
      Error: 'States.TaskFailed',
      Cause: JSON.stringify({ errorMessage: 'Timeout', errorType: 'TimeoutError', stackTrace: ['at a', 'at b'] }),
    },
    state: 'GenerateScript',
    execution_id: 'arn:aws:states:us-east-1:123:execution:manga-pipeline:abc',
    ...overrides,
  };
}
