import { GetJobStatus } from '../../application/jobs/GetJobStatus.js';
import { SubmitJob } from '../../application/jobs/SubmitJob.js';
import { UpdateJobStatus } from '../../application/jobs/UpdateJobStatus.js';
import { InMemoryJobQueue } from '../../adapters/memory/InMemoryJobQueue.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemoryOutputUrls } from '../../adapters/memory/InMemoryOutputUrls.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { SequentialIds } from '../../adapters/memory/SequentialIds.js';

/** The job API's use-cases wired to in-memory adapters. */
export function jobsWorld() {
  const jobs = new InMemoryJobs();
  const queue = new InMemoryJobQueue();
  const clock = new ManualClock('2026-01-06T12:00:00Z');
  const log = new RecordingLog();
  const metrics = new InMemoryMetrics();
  const ids = new SequentialIds();
  return {
    jobs,
    queue,
    clock,
    log,
    metrics,
    submit: new SubmitJob({ jobs, queue, ids, clock, log, metrics }),
    status: new GetJobStatus({ jobs, outputUrls: new InMemoryOutputUrls('outputs'), clock }),
    update: new UpdateJobStatus({ jobs, clock, log, metrics }),
  };
}
