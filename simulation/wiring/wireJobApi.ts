import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
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
import { updateJobStatusHandler } from '../../entrypoints/handlers/updateJobStatus.js';
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
  readonly jobs: InMemoryJobs;
  readonly metrics: InMemoryMetrics;
}

/** The JobQueue port on the simulated SQS: sends sometimes fail (the `providerDown` rate). */
class SimJobQueue implements JobQueue {
  constructor(
    private readonly world: World,
    private readonly queue: () => SimSqs,
  ) {}

  enqueue(job: Job): ResultAsync<void, JobQueueUnavailable> {
    if (this.world.prng.chance(this.world.faults.providerDown)) {
      return errAsync({ type: 'JobQueueUnavailable', cause: new Error('SQS SendMessage failed after SDK retries (simulated)') });
    }
    this.queue().send(JSON.stringify(jobMessage(job, OUTPUT_BUCKET)));
    return okAsync(undefined);
  }
}

export function wireJobApi(world: World, jobQueue: () => SimSqs): JobApiSystem {
  const jobs = new InMemoryJobs();
  const metrics = new InMemoryMetrics();
  const container = newContainer();
  container.load(
    platformModule({ clock: world.clock, ids: new SeededIds(world.prng.fork()), log: world.log, metrics }),
    jobPortsModule({ jobs, queue: new SimJobQueue(world, jobQueue), outputUrls: new InMemoryOutputUrls(OUTPUT_BUCKET) }),
    jobUseCasesModule(),
  );
  return {
    submitJob: submitJobHandler(container.get(JobApi.SubmitJob), world.log),
    getJobStatus: getJobStatusHandler(container.get(JobApi.GetJobStatus), world.log),
    updateJobStatus: updateJobStatusHandler(container.get(JobApi.UpdateJobStatus), world.log, metrics),
    jobs,
    metrics,
  };
}
