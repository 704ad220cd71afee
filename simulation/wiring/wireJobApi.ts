import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { jobMessage, type JobQueue, type JobQueueUnavailable } from '../../application/ports/JobQueue.js';
import type { Job } from '../../domain/jobs/Job.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { InMemoryOutputUrls } from '../../adapters/memory/InMemoryOutputUrls.js';
import { JobApi, jobPortsModule, jobUseCasesModule } from '../../entrypoints/container/jobsModule.js';
import { newContainer } from '../../entrypoints/container/newContainer.js';
import { platformModule } from '../../entrypoints/container/platformModule.js';
import { getJobStatusHandler } from '../../entrypoints/handlers/getJobStatus.js';
import { submitJobHandler } from '../../entrypoints/handlers/submitJob.js';
import { jobSweeperHandler } from '../../entrypoints/handlers/jobSweeper.js';
import { updateJobStatusHandler } from '../../entrypoints/handlers/updateJobStatus.js';
import type { UnqueuedSweepReport } from '../../application/jobs/SweepUnqueuedJobs.js';
import { OrderBoundStatusUpdates } from '../sabotage/OrderBoundStatusUpdates.js';
import type { HttpResponse } from '../../entrypoints/http/apiGateway.js';
import type { SimSqs } from '../cloud/SimSqs.js';
import { SeededIds } from '../SeededIds.js';
import type { World } from '../World.js';

export const OUTPUT_BUCKET = 'sim-output';

/** The job API's real handlers over in-memory adapters, the queue being the simulated SQS. */
export interface JobApiSystem {
  readonly submitJob: (event: unknown) => Promise<HttpResponse>;
  readonly getJobStatus: (event: unknown) => Promise<HttpResponse>;
  readonly updateJobStatus: (event: SQSEvent) => Promise<SQSBatchResponse>;
  /** The `job-sweeper` (EventBridge schedule): jobs recorded but never queued are sent or failed. */
  readonly sweepJobs: () => Promise<UnqueuedSweepReport>;
  readonly queueStats: { readonly refused: number; readonly hung: number; readonly crashedBeforeSend: number };
  readonly jobs: InMemoryJobs;
  readonly metrics: InMemoryMetrics;
}

/**
 * The JobQueue port on the simulated SQS. Sends sometimes fail (the `providerDown` rate), half
 * of them as a SendMessage that hangs until the invocation's deadline cuts it; and sometimes
 * (the `crash` rate) the function dies right after the record, before the send: the throw
 * stands for the lost invocation, and the job is left recorded but never queued.
 */
class SimJobQueue implements JobQueue {
  readonly stats = { refused: 0, hung: 0, crashedBeforeSend: 0 };

  constructor(
    private readonly world: World,
    private readonly queue: () => SimSqs,
  ) {}

  enqueue(job: Job): ResultAsync<void, JobQueueUnavailable> {
    const { prng, faults } = this.world;
    if (prng.chance(faults.crash)) {
      this.stats.crashedBeforeSend += 1;
      return new ResultAsync(Promise.reject(new Error('the function died between the record and the send (simulated)')));
    }
    if (prng.chance(faults.providerDown)) {
      const hung = prng.chance(0.5);
      this.stats[hung ? 'hung' : 'refused'] += 1;
      const cause = hung ? new Error('AbortError: SendMessage cut at the invocation deadline (simulated hang)') : new Error('SQS SendMessage failed after SDK retries (simulated)');
      return errAsync({ type: 'JobQueueUnavailable', cause });
    }
    this.queue().send(JSON.stringify(jobMessage(job, OUTPUT_BUCKET)));
    return okAsync(undefined);
  }
}

export function wireJobApi(world: World, jobQueue: () => SimSqs): JobApiSystem {
  const jobs = world.writes.jobs(new InMemoryJobs());
  const metrics = new InMemoryMetrics();
  const queue = new SimJobQueue(world, jobQueue);
  const container = newContainer();
  container.load(
    platformModule({ clock: world.clock, ids: new SeededIds(world.prng.fork()), log: world.log, metrics }),
    jobPortsModule({ jobs, queue, outputUrls: new InMemoryOutputUrls(OUTPUT_BUCKET) }),
    jobUseCasesModule(),
  );
  const update =
    world.sabotage === 'order-bound-status'
      ? new OrderBoundStatusUpdates({ jobs, clock: world.clock, log: world.log, metrics })
      : container.get(JobApi.UpdateJobStatus);
  return {
    submitJob: submitJobHandler(container.get(JobApi.SubmitJob), world.log),
    getJobStatus: getJobStatusHandler(container.get(JobApi.GetJobStatus), world.log),
    updateJobStatus: updateJobStatusHandler(update, world.log, metrics),
    sweepJobs: jobSweeperHandler(container.get(JobApi.SweepUnqueuedJobs)),
    queueStats: queue.stats,
    jobs,
    metrics,
  };
}
