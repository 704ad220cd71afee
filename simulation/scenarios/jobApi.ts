import type { SQSEvent } from 'aws-lambda';
import { SimSqs } from '../cloud/SimSqs.js';
import { httpApiEvent } from '../httpApiEvent.js';
import { invariant, type InvariantResult } from '../Invariant.js';
import type { ScenarioDefinition } from '../ScenarioDefinition.js';
import type { Scenario, SystemReport } from '../SystemReport.js';
import type { World } from '../World.js';
import { OUTPUT_BUCKET, wireJobApi, type JobApiSystem } from '../wiring/wireJobApi.js';

/** Jobs arriving per second across all clients. */
const JOBS_PER_SECOND = 2;
const WORK_SECONDS: [number, number] = [20, 600];
/** The job queue's visibility timeout: longer than any job takes. */
const VISIBILITY_SECONDS = 900;
const RANK: Record<string, number> = { submitted: 0, processing: 1, retrying: 1, completed: 2, failed: 2 };
const TERMINAL = new Set(['completed', 'failed']);
/** About two days of polling at the longest interval: far beyond any job's life here. */
const MAX_POLLS = 300;
/** The `job-sweeper`'s EventBridge schedule. */
const SWEEP_EVERY_SECONDS = 300;

interface Client {
  readonly n: number;
  readonly key: string | undefined;
  readonly spec: Record<string, unknown>;
  /** Every jobId an accepted answer named (a retry after a lost answer must name the same). */
  readonly answered: Set<string>;
  /** Job ids answered 503 (marked failed, key released: the client submits again). */
  readonly notQueued: string[];
  jobId?: string;
  observed: string[];
  final?: Record<string, unknown>;
  submits: number;
}

/**
 * The job API of seed 002 under many clients: each submits (HTTP API `POST /jobs`, most with
 * an `Idempotency-Key`, some retrying after a lost answer), polls `GET /jobs/{jobId}` until
 * done; processors take jobs from the simulated SQS queue (duplicates, redeliveries after a
 * crash) and report each status change through the `update-job-status` handler's queue,
 * whose messages arrive late, twice, and out of order. A job must never move backwards.
 */
class JobApiScenario implements Scenario {
  readonly system = 'job-api';
  private readonly sys: JobApiSystem;
  private readonly jobQueue: SimSqs;
  private readonly statusQueue: SimSqs;
  private readonly clients: Client[] = [];
  private readonly answers = new Map<string, number>();
  private readonly badInputAnswers: string[] = [];
  private readonly stats = {
    clientRetries: 0,
    resubmitsAfter503: 0,
    processorCrashes: 0,
    retryingJobs: 0,
    polls: 0,
    badRequests: 0,
    overtaken: 0,
    sweeps: 0,
    swept: 0,
    sweptFailed: 0,
  };
  private finished = 0;
  private requests = 0;

  constructor(
    private readonly world: World,
    private readonly jobs: number,
  ) {
    this.jobQueue = new SimSqs(world, {
      name: 'sim-jobs',
      visibilityTimeoutSeconds: VISIBILITY_SECONDS,
      maxReceiveCount: 10,
      batchSize: 1,
      batchWindowSeconds: 0.2,
      consumer: (event) => this.process(event),
    });
    this.statusQueue = new SimSqs(world, {
      name: 'sim-job-status',
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 10,
      batchSize: 10,
      batchWindowSeconds: 1,
      consumer: (event) => this.applyStatus(event),
      // A standard queue: reports arrive late, twice and out of order. A completion is never
      // refused for arriving early (`--sabotage order-bound-status` shows what that would cost).
    });
    this.sys = wireJobApi(world, () => this.jobQueue);
  }

  start(): void {
    const { prng, scheduler } = this.world;
    let at = 0;
    for (let n = 1; n <= this.jobs; n += 1) {
      const client: Client = {
        n,
        key: prng.chance(0.7) ? `client-${n}-${prng.hex(6)}` : undefined,
        spec: {
          jobInfo: { projectId: `project-${prng.int(1, 50)}`, title: `Episode ${n}` },
          assets: { video: [{ id: 'intro', source: `s3://sim-input/${n}/intro.mp4` }] },
          timeline: [{ start: 0, type: 'video', assetId: 'intro' }],
          output: { filename: `episode-${n}.mp4` },
        },
        answered: new Set(),
        notQueued: [],
        observed: [],
        submits: 0,
      };
      this.clients.push(client);
      at += prng.exponential(1 / JOBS_PER_SECOND);
      scheduler.after(at, () => this.submit(client));
      if (prng.chance(0.03)) scheduler.after(at, () => this.badRequest());
    }
    scheduler.every(SWEEP_EVERY_SECONDS, () => this.sweep(), () => this.busy());
  }

  /** The job-sweeper's scheduled run: jobs a crash left recorded but never queued are sent. */
  private async sweep(): Promise<void> {
    this.stats.sweeps += 1;
    try {
      const report = await this.world.latency.time('job-sweeper', () => this.sys.sweepJobs());
      this.stats.swept += report.resent;
      this.stats.sweptFailed += report.failed;
    } catch {
      // The sweeper's own invocation died (the crash fault); the next scheduled run goes on.
    }
  }

  progress(): { done: number; total: number } {
    return { done: this.finished, total: this.jobs };
  }

  /** Until every client is done and no job is left between record and send or in a queue. */
  busy(): boolean {
    return this.finished < this.jobs || this.sys.jobs.unqueuedCount > 0 || this.jobQueue.outstanding > 0 || this.statusQueue.outstanding > 0;
  }

  private http(handler: (e: unknown) => Promise<{ statusCode: number; body: string }>, name: string, request: Parameters<typeof httpApiEvent>[0]) {
    return this.world.latency.time(name, async () => {
      const response = await handler(httpApiEvent(request));
      this.answers.set(`${name} ${response.statusCode}`, (this.answers.get(`${name} ${response.statusCode}`) ?? 0) + 1);
      return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
    });
  }

  private post(client: Client) {
    this.requests += 1;
    return this.http(this.sys.submitJob, 'submit-job', {
      method: 'POST',
      routeKey: 'POST /jobs',
      path: '/jobs',
      headers: { 'content-type': 'application/json', ...(client.key ? { 'idempotency-key': client.key } : {}) },
      body: JSON.stringify(client.spec),
      requestId: `jobs-${this.requests}`,
      now: this.world.clock.now(),
    });
  }

  private get(jobId: string) {
    this.requests += 1;
    return this.http(this.sys.getJobStatus, 'get-job-status', {
      method: 'GET',
      routeKey: 'GET /jobs/{jobId}',
      path: `/jobs/${encodeURIComponent(jobId)}`,
      pathParameters: { jobId },
      requestId: `jobs-${this.requests}`,
      now: this.world.clock.now(),
    });
  }

  private async submit(client: Client): Promise<void> {
    const { prng, scheduler, faults } = this.world;
    client.submits += 1;
    const answer = await this.post(client);
    if (answer.status === 202 || answer.status === 200) {
      const jobId = String(answer.body.jobId);
      client.answered.add(jobId);
      if (client.jobId === undefined) {
        client.jobId = jobId;
        client.observed.push(String(answer.body.status));
        scheduler.after(prng.between(20, 60), () => this.poll(client, 1));
      }
      if (client.key && client.submits === 1 && prng.chance(faults.duplicate)) {
        // The answer was lost on the way back: the client sends the same request again.
        this.stats.clientRetries += 1;
        scheduler.after(prng.between(1, 10), () => this.submit(client));
      }
      return;
    }
    if (answer.status === 503 && client.submits < 5) {
      const jobId = (answer.body.error as { details?: { jobId?: string } } | undefined)?.details?.jobId;
      if (jobId) client.notQueued.push(jobId);
      this.stats.resubmitsAfter503 += 1;
      scheduler.after(2 ** client.submits, () => this.submit(client));
      return;
    }
    this.finished += 1;
    client.final = { status: `submit answered ${answer.status}` };
  }

  private async poll(client: Client, n: number): Promise<void> {
    this.stats.polls += 1;
    const answer = await this.get(client.jobId!);
    const status = String(answer.body.status);
    client.observed.push(status);
    if (TERMINAL.has(status) || n >= MAX_POLLS) {
      // A client gives up after MAX_POLLS; the invariant then names its job as unfinished.
      client.final = answer.body;
      this.finished += 1;
      return;
    }
    this.world.scheduler.after(Math.min(600, 30 * 2 ** Math.min(n, 5)), () => this.poll(client, n + 1));
  }

  private async badRequest(): Promise<void> {
    this.stats.badRequests += 1;
    const bodies = ['{"jobInfo": {}}', '{not json', '[]', '{"jobInfo":{"projectId":"p"},"output":{"filename":"../etc/passwd"}}'];
    const body = this.world.prng.pick(bodies);
    this.requests += 1;
    const answer = await this.http(this.sys.submitJob, 'submit-job', {
      method: 'POST',
      routeKey: 'POST /jobs',
      path: '/jobs',
      headers: { 'content-type': 'application/json' },
      body,
      requestId: `jobs-${this.requests}`,
      now: this.world.clock.now(),
    });
    if (answer.status !== 400) this.badInputAnswers.push(`${body} → ${answer.status}`);
    const unknown = await this.get('no-such-job');
    if (unknown.status !== 404) this.badInputAnswers.push(`unknown job → ${unknown.status}`);
    const malformed = await this.get('bad id!');
    if (malformed.status !== 400) this.badInputAnswers.push(`malformed job id → ${malformed.status}`);
  }

  /** A processor takes one job message: reports processing, works, reports the end, deletes the message. */
  private async process(event: SQSEvent): Promise<void> {
    const { prng, scheduler, faults } = this.world;
    for (const record of event.Records) {
      const message = JSON.parse(record.body) as { jobId: string };
      const report = (body: Record<string, unknown>) => this.statusQueue.send(JSON.stringify({ jobId: message.jobId, ...body }));
      const seconds = prng.between(...WORK_SECONDS);
      const processing = { status: 'processing', metadata: { worker: `processor-${prng.int(1, 20)}` } };
      if (prng.chance(faults.late)) {
        // The `processing` report is held up (a slow producer, a redelivery) and arrives after
        // the job's end: the completion, or the retry, overtakes it.
        this.stats.overtaken += 1;
        scheduler.after(seconds + prng.between(1, 120), () => void report(processing));
      } else {
        report(processing);
      }
      if (prng.chance(faults.crash)) {
        // The processor dies mid-job: the message comes back after the visibility timeout.
        this.stats.processorCrashes += 1;
        continue;
      }
      scheduler.after(seconds, () => {
        if (prng.chance(faults.jobFailure)) {
          if (prng.chance(0.5)) {
            this.stats.retryingJobs += 1;
            report({ status: 'retrying', error: { message: 'transcoder busy', type: 'Transient' } });
            scheduler.after(prng.between(10, 60), () => {
              report({ status: 'processing' });
              scheduler.after(prng.between(...WORK_SECONDS), () => {
                report(completed(message.jobId, seconds));
                this.jobQueue.delete(record.receiptHandle);
              });
            });
            return;
          }
          report({ status: 'failed', error: { message: 'source video is corrupt', type: 'InvalidSource' } });
        } else {
          report(completed(message.jobId, seconds));
        }
        this.jobQueue.delete(record.receiptHandle);
      });
    }
  }

  private async applyStatus(event: SQSEvent): Promise<readonly string[]> {
    const response = await this.world.latency.time('update-job-status', () => this.sys.updateJobStatus(event));
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    return event.Records.map((r) => r.messageId).filter((id) => !failed.has(id));
  }

  async report(): Promise<SystemReport> {
    const accepted = this.clients.filter((c) => c.jobId !== undefined);
    const completed = accepted.filter((c) => c.final?.status === 'completed').length;
    const failed = accepted.filter((c) => c.final?.status === 'failed').length;
    return {
      system: this.system,
      title: 'Job API (seed 002: submit, status, processors through SQS)',
      submitted: accepted.length,
      completed,
      failed,
      retried: this.stats.clientRetries + this.stats.resubmitsAfter503 + this.jobQueue.stats.redeliveries + this.statusQueue.stats.redeliveries,
      duplicatesAbsorbed: this.sys.metrics.get('JobStatusReportsDropped') + (this.answers.get('submit-job 200') ?? 0),
      details: {
        clients: this.clients.length,
        'with Idempotency-Key': this.clients.filter((c) => c.key).length,
        'client retries (lost answer)': this.stats.clientRetries,
        'resubmits after 503 (queue down)': this.stats.resubmitsAfter503,
        'clients that gave up after 503s': this.clients.filter((c) => c.jobId === undefined).length,
        'SQS duplicates': this.jobQueue.stats.duplicates + this.statusQueue.stats.duplicates,
        'SQS redeliveries': this.jobQueue.stats.redeliveries + this.statusQueue.stats.redeliveries,
        'dead-lettered': this.jobQueue.stats.deadLettered + this.statusQueue.stats.deadLettered,
        'processor crashes': this.stats.processorCrashes,
        'jobs that went retrying': this.stats.retryingJobs,
        'stale status reports dropped': this.sys.metrics.get('JobStatusReportsDropped'),
        'status polls': this.stats.polls,
        'bad requests': this.stats.badRequests,
        'reports overtaken by the job\'s end': this.stats.overtaken,
        'reports returned to the queue (not yet applicable)': this.sys.metrics.get('JobStatusReportsDeferred'),
        'queue sends hung (cut at the deadline)': this.sys.queueStats.hung,
        'crashes between record and send': this.sys.queueStats.crashedBeforeSend,
        'sent by the job-sweeper': this.stats.swept,
        'failed by the job-sweeper': this.stats.sweptFailed,
      },
      invariants: await this.invariants(accepted),
    };
  }

  private async invariants(accepted: Client[]): Promise<InvariantResult[]> {
    // A client whose every submit was answered 503 never had a job: what it is owed (its jobs marked
    // failed, keys released) is checked below with `notQueued`.
    const unfinished = accepted.filter((c) => !c.final || !TERMINAL.has(String(c.final.status))).map((c) => `client ${c.n} (${c.jobId ?? 'no job'}): ${c.final?.status ?? 'never finished'} after ${c.observed.join(' → ')}`);
    const backwards: string[] = [];
    for (const c of accepted) {
      for (let i = 1; i < c.observed.length; i++) {
        const [a, b] = [c.observed[i - 1]!, c.observed[i]!];
        if (RANK[b]! < RANK[a]! || (TERMINAL.has(a) && a !== b)) backwards.push(`${c.jobId}: ${c.observed.join(' → ')}`);
      }
    }
    const idempotency = accepted.filter((c) => c.answered.size !== 1).map((c) => `client ${c.n} got ${c.answered.size} job ids for one request`);
    const stored = [...(await Promise.all(accepted.map(async (c) => ({ c, job: await this.sys.jobs.get(c.jobId!) }))))];
    const consistent = stored
      .filter(({ c, job }) => !job || job.status !== c.final?.status)
      .map(({ c, job }) => `${c.jobId}: stored ${job?.status ?? 'missing'}, client saw ${String(c.final?.status)}`);
    for (const c of accepted) for (const id of c.notQueued) {
      const job = await this.sys.jobs.get(id);
      if (job && job.status !== 'failed') consistent.push(`${id}: answered 503 but left ${job.status}`);
    }
    const outputs = accepted
      .filter((c) => c.final?.status === 'completed')
      .filter((c) => {
        const output = c.final?.output as { url?: string; urlExpiresAt?: string; s3Uri?: string } | undefined;
        return !output?.url || !output.urlExpiresAt || !output.s3Uri?.startsWith(`s3://${OUTPUT_BUCKET}/`);
      })
      .map((c) => `${c.jobId}: completed without an output link`);
    const stuck = this.sys.jobs
      .all()
      .filter((job) => !TERMINAL.has(job.status))
      .map((job) => `${job.jobId}: left ${job.status} (attempts ${job.attempts})`);
    const unqueued = this.sys.jobs.unqueuedCount;
    const lost = this.jobQueue.outstanding + this.statusQueue.outstanding;
    const dead = this.jobQueue.stats.deadLettered + this.statusQueue.stats.deadLettered;
    return [
      invariant('every accepted job ended in exactly one terminal state', [...unfinished, ...consistent], `${accepted.length} jobs, stored state = what clients saw`),
      invariant(
        'no job stuck non-terminal, none left between record and send',
        [...stuck, ...(unqueued ? [`${unqueued} jobs never queued`] : [])],
        `${this.sys.jobs.all().length} stored jobs all final; ${this.stats.swept} sent by the sweeper`,
      ),
      invariant('no job ever moved backwards', backwards, `${accepted.reduce((n, c) => n + c.observed.length, 0)} observations, all monotonic`),
      invariant('a repeated submit with the same Idempotency-Key names the same job', idempotency, `${this.stats.clientRetries} client retries answered with their job`),
      invariant('completed jobs carry a presigned output link', outputs, `${accepted.filter((c) => c.final?.status === 'completed').length} links`),
      invariant('caller mistakes answered 400/404, never 5xx', this.badInputAnswers, `${this.stats.badRequests * 3} bad requests`),
      invariant('nothing lost: queues drained, nothing dead-lettered', [...(lost ? [`${lost} messages left`] : []), ...(dead ? [`${dead} dead-lettered`] : [])], 'both queues empty'),
    ];
  }
}

function completed(jobId: string, seconds: number): Record<string, unknown> {
  return { status: 'completed', output: { s3Uri: `s3://${OUTPUT_BUCKET}/outputs/${jobId}.mp4`, duration: Math.round(seconds), size: 1_000_000 + Math.round(seconds * 1000) } };
}

export const jobApi: ScenarioDefinition = {
  name: 'job-api',
  title: 'Job API under many clients, processors on SQS',
  weight: 2,
  create: (world, jobs) => new JobApiScenario(world, jobs),
};
