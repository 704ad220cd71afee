import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Dispatch } from '../../domain/dispatch/Dispatch.js';
import type { HttpResponse } from '../../entrypoints/http/apiGateway.js';
import { SimEcs } from '../cloud/SimEcs.js';
import { SimSqs } from '../cloud/SimSqs.js';
import { httpApiEvent } from '../httpApiEvent.js';
import { invariant, type InvariantResult } from '../Invariant.js';
import type { ScenarioDefinition } from '../ScenarioDefinition.js';
import type { Scenario, SystemReport } from '../SystemReport.js';
import type { World } from '../World.js';
import { TASK_DEF, TRANSMISSION_TASK_DEF, wireDispatch, type DispatchSystem } from '../wiring/wireDispatch.js';

const JOBS_PER_SECOND = 2;
/**
 * An API client retries 503 (capacity) and 409 (in progress) this often, waiting the
 * Retry-After answer or an exponential backoff (5 s doubling, at most a minute), then gives up:
 * about ten minutes of trying, as a recording scheduler would. At the documented capacity
 * rate (0.5) plus provider outages a client still gives up now and then; that is its choice,
 * and the invariants check what the system owes it then: no task and no record claiming one.
 */
const CLIENT_ATTEMPTS = 15;
const CLIENT_BACKOFF_SECONDS = { first: 5, max: 60 };
const POISON_RATE = 0.02;
const BAD_REQUEST_RATE = 0.03;
/** How long a recording container runs before it exits. */
const TASK_SECONDS: [number, number] = [60, 1_800];

interface Job {
  readonly n: number;
  readonly via: 'api' | 'sqs';
  readonly url: string;
  readonly kind: 'http' | 'torrent';
  /** Known up front for API clients (their Idempotency-Key) and SQS bodies naming one; else the message id. */
  jobId: string | undefined;
  readonly poison: boolean;
  attempts: number;
  done: boolean;
  /** The client stopped retrying 503/409 answers after CLIENT_ATTEMPTS. */
  gaveUp: boolean;
  answers: number[];
}

/**
 * Seed 004's dispatch under both triggers at once: API clients `POST /jobs` with an
 * Idempotency-Key (retrying after lost answers, 503 capacity and 409 in-progress answers), and
 * an SQS queue whose batches hold duplicates and poison messages. ECS refuses placement for
 * capacity and sometimes times out after starting the task anyway. Every job must start at
 * most one task, every valid one exactly one, and only poison ends in the dead-letter queue.
 */
class EcsDispatchScenario implements Scenario {
  readonly system = 'ecs-dispatch';
  private readonly ecs: SimEcs;
  private readonly queue: SimSqs;
  private readonly sys: DispatchSystem;
  private readonly jobs: Job[] = [];
  private readonly badAnswers: string[] = [];
  private readonly stats = {
    clientRetries: 0,
    lostAnswers: 0,
    badRequests: 0,
    sqsBatches: 0,
    tasksDied: 0,
    stoppedEvents: 0,
    duplicateEvents: 0,
    lateEvents: 0,
    eventRetries: 0,
  };
  /** How each task's container ended, by task ARN. */
  private readonly exits = new Map<string, number>();
  /** Tasks running or whose STOPPED event is not delivered yet. */
  private pendingTasks = 0;
  private finished = 0;
  private requests = 0;

  constructor(
    private readonly world: World,
    private readonly count: number,
  ) {
    this.ecs = new SimEcs(world, (task) => this.run(task.taskArn));
    this.sys = wireDispatch(world, this.ecs);
    this.queue = new SimSqs(world, {
      name: 'sim-dispatch',
      visibilityTimeoutSeconds: 60,
      // High enough that capacity refusals alone never dead-letter a valid message (0.5^20 ≈ 1e-6).
      maxReceiveCount: 20,
      batchSize: 10,
      batchWindowSeconds: 2,
      consumer: (event) => this.fromQueue(event),
    });
  }

  start(): void {
    const { prng, scheduler } = this.world;
    let at = 0;
    for (let n = 1; n <= this.count; n += 1) {
      const via = prng.chance(0.5) ? 'api' : 'sqs';
      const roll = prng.next();
      const kind = roll < 0.15 ? 'torrent' : 'http';
      const url =
        roll < 0.1
          ? `magnet:?xt=urn:btih:${prng.hex(20)}&dn=show-${n}`
          : roll < 0.15
            ? `https://trackers.example.org/files/show-${n}.torrent`
            : `https://streams.example.com/live/channel-${prng.int(1, 200)}?session=${n}`;
      const poison = via === 'sqs' && prng.chance(POISON_RATE);
      const job: Job = {
        n,
        via,
        url: poison ? prng.pick(['ftp://files.example.com/x', 'not a url', 'javascript:alert(1)']) : url,
        kind,
        jobId: via === 'api' ? `rec-${n}` : prng.chance(0.5) ? `rec-sqs-${n}` : undefined,
        poison,
        attempts: 0,
        done: false,
        gaveUp: false,
        answers: [],
      };
      this.jobs.push(job);
      at += prng.exponential(1 / JOBS_PER_SECOND);
      if (via === 'api') scheduler.after(at, () => this.post(job));
      else scheduler.after(at, () => void this.queue.send(JSON.stringify({ url: job.url, ...(job.jobId ? { job_id: job.jobId } : {}) })));
      if (prng.chance(BAD_REQUEST_RATE)) scheduler.after(at, () => this.badRequest());
    }
  }

  progress(): { done: number; total: number } {
    return { done: this.finished + this.queueFinished(), total: this.count };
  }

  /** Until every job is dispatched and every task has stopped and its event been delivered. */
  busy(): boolean {
    return this.progress().done < this.count || this.pendingTasks > 0;
  }

  /**
   * A started container runs, then stops: most exit 0, some die (out of memory, a Spot
   * interruption) at the `jobFailure` rate, and a duplicate Baton stopped ends as stopped by a
   * user. EventBridge delivers the STOPPED event at least once: late at the `late` rate, twice
   * at the `redelivery` rate, again after a handler fault.
   */
  private run(taskArn: string): void {
    const { prng, scheduler, faults } = this.world;
    this.pendingTasks += 1;
    scheduler.after(prng.between(...TASK_SECONDS), () => {
      const stoppedByBaton = this.ecs.stopped.has(taskArn);
      const dies = !stoppedByBaton && prng.chance(faults.jobFailure);
      if (dies) this.stats.tasksDied += 1;
      const exit = stoppedByBaton ? 143 : dies ? 137 : 0;
      this.exits.set(taskArn, exit);
      const event = this.stoppedEvent(taskArn, exit, stoppedByBaton ? 'UserInitiated' : dies ? prng.pick(['SpotInterruption', 'EssentialContainerExited']) : 'EssentialContainerExited');
      const late = prng.chance(faults.late);
      if (late) this.stats.lateEvents += 1;
      scheduler.after(late ? prng.between(60, 600) : prng.between(0.5, 5), () => this.deliver(event, true));
      if (prng.chance(faults.redelivery)) {
        this.stats.duplicateEvents += 1;
        scheduler.after(prng.between(1, 900), () => this.deliver(event, false));
      }
    });
  }

  private async deliver(event: ReturnType<EcsDispatchScenario['stoppedEvent']>, first: boolean): Promise<void> {
    this.stats.stoppedEvents += 1;
    try {
      await this.world.latency.time('ecs-task-state', () => this.sys.taskState(event));
      if (first) this.pendingTasks -= 1;
    } catch {
      // EventBridge retries a failed asynchronous invocation.
      this.stats.eventRetries += 1;
      this.world.scheduler.after(60, () => this.deliver(event, first));
    }
  }

  private stoppedEvent(taskArn: string, exitCode: number, stopCode: string) {
    const task = this.ecs.tasks.find((t) => t.taskArn === taskArn)!;
    const container = task.launch.containerName;
    const now = this.world.clock.now().toISOString();
    return {
      version: '0',
      id: `ecs-${taskArn.slice(-8)}-${this.stats.stoppedEvents}`,
      'detail-type': 'ECS Task State Change',
      source: 'aws.ecs',
      account: '000000000000',
      time: now,
      region: 'us-east-1',
      resources: [taskArn],
      detail: {
        taskArn,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        startedBy: 'baton-dispatch',
        stopCode,
        stoppedReason: exitCode === 0 ? 'Essential container in task exited' : exitCode === 143 ? 'Task stopped by user' : 'OutOfMemoryError: Container killed due to memory usage',
        stoppedAt: now,
        containers: [{ name: container, exitCode, lastStatus: 'STOPPED' }],
        overrides: { containerOverrides: [{ name: container, environment: Object.entries(task.launch.environment).map(([name, value]) => ({ name, value })) }] },
      },
    };
  }

  private queueFinished(): number {
    const sqsJobs = this.jobs.filter((j) => j.via === 'sqs').length;
    return sqsJobs - Math.min(sqsJobs, this.queue.outstanding);
  }

  private http(body: string, key: string | undefined): Promise<HttpResponse> {
    this.requests += 1;
    const event = httpApiEvent({
      method: 'POST',
      routeKey: 'POST /jobs',
      path: '/jobs',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body,
      requestId: `dispatch-${this.requests}`,
      now: this.world.clock.now(),
    });
    return this.world.latency.time('dispatch-to-ecs (API)', async () => (await this.sys.dispatch(event)) as HttpResponse);
  }

  private async post(job: Job): Promise<void> {
    const { prng, scheduler, faults } = this.world;
    job.attempts += 1;
    const response = await this.http(JSON.stringify({ url: job.url }), job.jobId);
    job.answers.push(response.statusCode);
    const retryAfter = Number(response.headers?.['retry-after'] ?? 5);
    if (response.statusCode === 202 || response.statusCode === 200) {
      if (job.attempts === 1 && prng.chance(faults.duplicate)) {
        // The answer was lost: the client posts the same request again.
        this.stats.lostAnswers += 1;
        scheduler.after(prng.between(1, 10), () => this.post(job));
      }
      if (!job.done) {
        job.done = true;
        this.finished += 1;
      }
      return;
    }
    if (response.statusCode === 503 || response.statusCode === 409) {
      if (job.attempts < CLIENT_ATTEMPTS) {
        this.stats.clientRetries += 1;
        const backoff = Math.min(CLIENT_BACKOFF_SECONDS.max, CLIENT_BACKOFF_SECONDS.first * 2 ** (job.attempts - 1));
        scheduler.after(Math.max(retryAfter, backoff), () => this.post(job));
        return;
      }
      job.gaveUp = true;
    } else {
      this.badAnswers.push(`${job.jobId}: answered ${response.statusCode} after ${job.attempts} attempts`);
    }
    if (!job.done) {
      job.done = true;
      this.finished += 1;
    }
  }

  private gaveUp(): number {
    return this.jobs.filter((j) => j.gaveUp).length;
  }

  private async badRequest(): Promise<void> {
    this.stats.badRequests += 1;
    const body = this.world.prng.pick(['{"url": ""}', '{oops', '{"url": "file:///etc/passwd"}', '{"url": "https://ok.example.com", "job_id": "bad id with spaces"}']);
    const response = await this.http(body, undefined);
    if (response.statusCode !== 400) this.badAnswers.push(`bad request ${body} answered ${response.statusCode}`);
  }

  private async fromQueue(event: SQSEvent): Promise<readonly string[]> {
    this.stats.sqsBatches += 1;
    const response = (await this.world.latency.time('dispatch-to-ecs (SQS)', () => this.sys.dispatch(event))) as SQSBatchResponse;
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    return event.Records.map((r) => r.messageId).filter((id) => !failed.has(id));
  }

  async report(): Promise<SystemReport> {
    const tasksByJob = new Map<string, string[]>();
    for (const t of this.ecs.tasks) {
      const id = t.launch.environment.JOB_ID ?? '?';
      tasksByJob.set(id, [...(tasksByJob.get(id) ?? []), t.taskArn]);
    }
    // SQS jobs that named no job id were given their message id; find them by source URL.
    const byUrl = new Map(this.ecs.tasks.map((t) => [t.launch.environment.SOURCE_URL, t.launch.environment.JOB_ID]));
    const valid = this.jobs.filter((j) => !j.poison);
    for (const j of valid) if (j.jobId === undefined) j.jobId = byUrl.get(j.url);
    const stored = await Promise.all(valid.map(async (j) => ({ j, d: j.jobId ? await this.sys.dispatches.find(j.jobId) : undefined })));
    const completed = stored.filter(({ d }) => d?.job.status === 'completed').length;
    return {
      system: this.system,
      title: 'ECS dispatch (seed 004: API Gateway and SQS into one handler; ecs-task-state settles the jobs)',
      submitted: this.jobs.length,
      completed,
      failed: this.jobs.length - completed,
      retried: this.stats.clientRetries + this.stats.lostAnswers + this.queue.stats.redeliveries,
      duplicatesAbsorbed: this.stats.lostAnswers + this.queue.stats.duplicates,
      details: {
        'via API': this.jobs.filter((j) => j.via === 'api').length,
        'via SQS': this.jobs.filter((j) => j.via === 'sqs').length,
        'torrent/magnet': this.jobs.filter((j) => j.kind === 'torrent').length,
        'ECS tasks started': this.ecs.tasks.length,
        'capacity refusals': this.ecs.stats.capacityFailures,
        'ECS unreachable': this.ecs.stats.unreachable,
        'of them started anyway': this.ecs.stats.startedButUnanswered,
        'SQS duplicates': this.queue.stats.duplicates,
        'SQS redeliveries': this.queue.stats.redeliveries,
        'poison messages': this.jobs.filter((j) => j.poison).length,
        'dead-lettered': this.queue.stats.deadLettered,
        'client retries': this.stats.clientRetries,
        'clients that gave up': this.gaveUp(),
        'bad requests': this.stats.badRequests,
        'tasks died (OOM, Spot)': this.stats.tasksDied,
        'duplicate tasks stopped': this.ecs.stopped.size,
        'STOPPED events delivered': this.stats.stoppedEvents,
        'of them late': this.stats.lateEvents,
        'of them duplicated': this.stats.duplicateEvents,
      },
      invariants: this.invariants(tasksByJob, stored),
    };
  }

  private invariants(tasksByJob: Map<string, string[]>, stored: readonly { j: Job; d: Dispatch | undefined }[]): InvariantResult[] {
    const twice = [...tasksByJob.entries()].filter(([, arns]) => arns.length > 1).map(([id, arns]) => `${id}: ${arns.length} tasks`);
    const notLaunched = (via: Job['via']) =>
      stored
        .filter(({ j }) => j.via === via && !j.gaveUp)
        .filter(({ j, d }) => !d || d.launch.taskArn === undefined || !tasksByJob.get(j.jobId ?? '')?.includes(d.launch.taskArn))
        .map(({ j, d }) => `${j.jobId ?? `job ${j.n}`}: ${d ? `${d.job.status}, task ${d.launch.taskArn ?? 'none'}` : 'never recorded'}`);
    const valid = (via: Job['via']) => stored.filter(({ j }) => j.via === via).length;
    // A client that gave up was last told 503/409: any task started for it must be on its record.
    const abandoned = stored
      .filter(({ j }) => j.gaveUp)
      .filter(({ j, d }) => (tasksByJob.get(j.jobId ?? '') ?? []).some((arn) => d?.launch.taskArn !== arn))
      .map(({ j, d }) => `${j.jobId}: client gave up, task ${tasksByJob.get(j.jobId ?? '')?.join(',')} but record names ${d?.launch.taskArn ?? 'none'}`);
    const wrongTarget = this.ecs.tasks
      .filter((t) => {
        const url = t.launch.environment.SOURCE_URL ?? '';
        const torrent = url.startsWith('magnet:') || url.endsWith('.torrent');
        return t.launch.taskDefinition !== (torrent ? TRANSMISSION_TASK_DEF : TASK_DEF);
      })
      .map((t) => `${t.launch.environment.JOB_ID}: ${t.launch.taskDefinition}`);
    const env = this.ecs.tasks
      .filter((t) => !t.launch.environment.JOB_ID || !t.launch.environment.SOURCE_URL || !t.launch.environment.S3_BUCKET)
      .map((t) => `${t.taskArn}: environment ${JSON.stringify(t.launch.environment)}`);
    const poison = new Set(this.jobs.filter((j) => j.poison).map((j) => j.url));
    const dlq = this.queue.deadLetters.map((b) => (JSON.parse(b) as { url: string }).url);
    const wrongDlq = [
      ...dlq.filter((u) => !poison.has(u)).map((u) => `valid message dead-lettered: ${u}`),
      ...[...poison].filter((u) => !dlq.includes(u)).map((u) => `poison message not dead-lettered: ${u}`),
    ];
    // A job whose client gave up before any task started stays `submitted` (received, never
    // run; the TTL removes it); every other one must end, and one with a task always does.
    const stuck = stored
      .filter(({ d }) => d !== undefined && d.job.status !== 'completed' && d.job.status !== 'failed')
      .filter(({ j, d }) => !(j.gaveUp && d!.launch.taskArn === undefined))
      .map(({ j, d }) => `${j.jobId}: left ${d!.job.status}`);
    const misjudged = stored
      .filter(({ d }) => d?.launch.taskArn !== undefined && this.exits.has(d.launch.taskArn))
      .filter(({ d }) => (this.exits.get(d!.launch.taskArn!) === 0) !== (d!.job.status === 'completed'))
      .map(({ j, d }) => `${j.jobId}: task exited ${this.exits.get(d!.launch.taskArn!)}, job ${d!.job.status}`);
    return [
      invariant('no job stuck non-terminal: every dispatch that ran ends completed or failed', stuck, `${stored.length} jobs settled by ecs-task-state`),
      invariant('each job ends as its recorded task did (exit 0 → completed, else failed)', misjudged, `${this.stats.tasksDied} died, duplicates and late events ignored`),
      invariant('every job started at most one ECS task', twice, `${this.ecs.tasks.length} tasks for ${tasksByJob.size} jobs`),
      invariant('every API job launched and recorded with its task (unless its client gave up)', notLaunched('api'), `${valid('api') - this.gaveUp()} launched, ${this.gaveUp()} clients gave up`),
      invariant('every valid SQS job launched and recorded with its task', notLaunched('sqs'), `${valid('sqs')} launched`),
      invariant('a client that gave up left no unrecorded task', abandoned, `${this.gaveUp()} clients gave up after ${CLIENT_ATTEMPTS} attempts`),
      invariant('torrent and magnet sources run on the Transmission task definition', wrongTarget, 'every task on the right definition'),
      invariant('the container is told its job id, source URL and bucket', env, 'every task'),
      invariant('only poison messages end in the dead-letter queue', wrongDlq, `${dlq.length} dead-lettered, all poison`),
      invariant('bad requests answered 400; retries end in 200/202 or 503/409', this.badAnswers, `${this.stats.badRequests} bad requests`),
    ];
  }
}

export const ecsDispatch: ScenarioDefinition = {
  name: 'ecs-dispatch',
  title: 'ECS dispatch from API Gateway and SQS',
  weight: 2,
  create: (world, jobs) => new EcsDispatchScenario(world, jobs),
};
