import type { LaunchedInstance, SpotLaunchRequest } from '../../application/ports/SpotInstances.js';
import { readWorkerEnvironment } from '../../domain/launch/userDataScript.js';
import type { WorkerRole } from '../../domain/launch/WorkerRole.js';
import { newJob } from '../../domain/jobs/Job.js';
import { utcDay } from '../../domain/shared/time.js';
import type { Worker } from '../../entrypoints/worker/Worker.js';
import { SimSpotInstances } from '../cloud/SimSpotInstances.js';
import { SimStepFunctions, type TaskEnd } from '../cloud/SimStepFunctions.js';
import { invariant, type InvariantResult } from '../Invariant.js';
import type { ScenarioDefinition } from '../ScenarioDefinition.js';
import type { Scenario, SystemReport } from '../SystemReport.js';
import type { World } from '../World.js';
import { DAILY_QUOTA, wirePipeline, type PipelineSystem } from '../wiring/wirePipeline.js';

const DAY = 86_400;
/** Executions started per day: more than the quota, some in a simultaneous burst that races for the last slots. */
const TRIGGERS_PER_DAY = 14;
const BURST = 4;
/** HeartbeatSeconds of the worker states: longer than the longest Step Functions outage plus a redrive period (see the report). */
const HEARTBEAT_SECONDS = 1200;
const WORKER_BEAT_EVERY = 120;
const TIMEOUT_SECONDS: Record<WorkerRole, number> = { renderer: 4 * 3600, uploader: 3600 };
const WORK_SECONDS: Record<WorkerRole, [number, number]> = { renderer: [300, 1800], uploader: [60, 300] };
/** Step Functions Retry on the launch states (capacity, faults, heartbeat timeouts): attempts in all. */
const LAUNCH_ATTEMPTS = 3;
const USER_STEPS = ['FetchManga', 'GenerateScript', 'GenerateSpeech'] as const;
const USER_ERRORS = ['YouTubeQuotaError', 'FetchError', 'TTSServiceError'];
const REPORT_ATTEMPTS = 5;
/** The callback-redrive schedule: rate(5 minutes). */
const REDRIVE_EVERY_SECONDS = 300;
const OUTAGE_SHARE_OF_DAY = 0.05;

interface Execution {
  readonly jobId: string;
  readonly day: string;
  reserved: boolean;
  end?: 'succeeded' | 'failed' | 'skipped';
  failedState?: string;
  error?: string;
  current?: { readonly role: WorkerRole; readonly token: string; readonly attempt: number };
}

interface WorkerRun {
  readonly execution: Execution;
  readonly role: WorkerRole;
  readonly taskToken: string;
  readonly callbackToken: string;
  interrupted: boolean;
  reported?: 'success' | 'failure';
}

/**
 * The daily manga pipeline of seed 003 over simulated weeks, as its state machine runs it:
 * reserve-quota (the race-free gate) → the user's Fetch/ScriptGen/TTS Lambdas (opaque, they
 * may fail) → start-renderer `.waitForTaskToken` → a Spot worker renders, heartbeating, and
 * reports through the worker library → start-uploader → the uploader worker → increment-counter;
 * Catch → failed. Spot refuses capacity and reclaims instances; Step Functions Retry launches
 * again. Checks the quota is never exceeded and every task token is resumed exactly once.
 */
class MangaPipelineScenario implements Scenario {
  readonly system = 'pipeline';
  private readonly sfn: SimStepFunctions;
  private readonly spot: SimSpotInstances;
  private readonly sys: PipelineSystem;
  private readonly executions = new Map<string, Execution>();
  private readonly runs: WorkerRun[] = [];
  private readonly reservedByDay = new Map<string, Set<string>>();
  private readonly dayChecks: { day: string; count: number; reached: boolean }[] = [];
  private readonly countChanges: string[] = [];
  private readonly stats = {
    launchRetries: 0,
    reportRetries: 0,
    duplicateReports: 0,
    duplicatesAbsorbed: 0,
    interruptions: 0,
    heartbeats: 0,
    userStepFailures: 0,
    redriveResumed: 0,
    redriveCrashed: 0,
    incrementRetries: 0,
    objectsDeleted: 0,
  };
  private readonly handleErrorAnswers: string[] = [];
  private ended = 0;
  private active = 0;
  private redriving = false;

  constructor(
    private readonly world: World,
    private readonly jobs: number,
  ) {
    this.sfn = new SimStepFunctions(world);
    this.spot = new SimSpotInstances(world, (request, instance) => this.booted(request, instance));
    this.sys = wirePipeline(world, this.sfn, this.spot);
  }

  start(): void {
    const { prng, scheduler } = this.world;
    const startMs = scheduler.nowMs();
    let remaining = this.jobs;
    for (let day = 0; remaining > 0; day += 1) {
      const count = Math.min(remaining, TRIGGERS_PER_DAY);
      remaining -= count;
      const dayStart = day * DAY;
      const dayName = utcDay(new Date(startMs + dayStart * 1000));
      const list: Execution[] = Array.from({ length: count }, (_, i) => ({
        jobId: `manga-${dayName.replaceAll('-', '')}-${String(i + 1).padStart(2, '0')}`,
        day: dayName,
        reserved: false,
      }));
      list.forEach((e) => this.executions.set(e.jobId, e));
      const burst = list.slice(0, Math.min(BURST, list.length));
      scheduler.after(dayStart + prng.between(0, 18 * 3600), () => Promise.all(burst.map((e) => this.begin(e))).then(() => undefined));
      for (const e of list.slice(burst.length)) scheduler.after(dayStart + prng.between(0, 18 * 3600), () => this.begin(e));
      // End of the day: check-quota, as a dashboard would read it.
      scheduler.after(dayStart + DAY - 1, () => this.checkDay(dayName));
    }
    // Outages are measured against the hours the pipeline is busy each day, not whole days.
    this.sfn.planOutages(Math.ceil(this.jobs / TRIGGERS_PER_DAY) * DAY * OUTAGE_SHARE_OF_DAY);
  }

  progress(): { done: number; total: number } {
    return { done: this.ended, total: this.jobs };
  }

  busy(): boolean {
    return this.ended < this.executions.size;
  }

  private async begin(e: Execution): Promise<void> {
    this.active += 1;
    this.ensureRedrive();
    const answer = await this.world.latency.time('reserve-quota', () => this.sys.reserveQuota({ job_id: e.jobId }));
    if (!answer.reserved) return this.finish(e, 'skipped');
    e.reserved = true;
    // The user's fetch step records the run's job (handle-error reports failures against it).
    const created = await this.sys.jobs.create(newJob({ jobId: e.jobId, spec: { pipeline: 'manga', day: e.day }, now: this.world.clock.now() }));
    if (created.isErr()) throw new Error(`simulation: job ${e.jobId} not recorded: ${created.error.type}`);
    let set = this.reservedByDay.get(e.day);
    if (!set) this.reservedByDay.set(e.day, (set = new Set()));
    set.add(e.jobId);
    await this.userStep(e, 0);
  }

  /** The user's own Lambdas (out of Baton's scope): they take a while and sometimes fail. */
  private userStep(e: Execution, index: number): Promise<void> | undefined {
    const { prng, scheduler, faults } = this.world;
    // The launch runs inside the event that starts it, as every event's work does: left running
    // on its own, it would see the clock jump to whatever events came due meanwhile.
    if (index === USER_STEPS.length) return this.launch(e, 'renderer', 1);
    scheduler.after(prng.between(5, 90), async () => {
      if (prng.chance(faults.jobFailure / 3)) {
        this.stats.userStepFailures += 1;
        return this.fail(e, USER_STEPS[index]!, prng.pick(USER_ERRORS));
      }
      this.sys.artifacts.put(`runs/${e.jobId}/${USER_STEPS[index]}.json`, prng.int(1_000, 50_000));
      return this.userStep(e, index + 1);
    });
  }

  private async launch(e: Execution, role: WorkerRole, attempt: number): Promise<void> {
    const token = this.sfn.waitForTaskToken({
      execution: e.jobId,
      timeoutSeconds: TIMEOUT_SECONDS[role],
      heartbeatSeconds: HEARTBEAT_SECONDS,
      onEnd: (end, detail) => this.taskEnded(e, role, attempt, token, end, detail),
    });
    e.current = { role, token, attempt };
    const handler = role === 'renderer' ? this.sys.startRenderer : this.sys.startUploader;
    try {
      await this.world.latency.time(`start-${role}`, () => handler({ job_id: e.jobId, task_token: token }));
    } catch (error) {
      // The task failed (SpotCapacityExhausted or a fault): Retry runs it again with a new token.
      this.sfn.abandon(token);
      e.current = undefined;
      this.retryLaunch(e, role, attempt, error instanceof Error ? error.name : 'Error');
    }
  }

  private retryLaunch(e: Execution, role: WorkerRole, attempt: number, error: string): void {
    if (attempt < LAUNCH_ATTEMPTS && error !== 'InvalidInput') {
      this.stats.launchRetries += 1;
      this.world.scheduler.after(60 * 2 ** (attempt - 1), () => this.launch(e, role, attempt + 1));
    } else {
      void this.fail(e, stateOf(role), error);
    }
  }

  /** A new Spot instance: the worker process reads its user-data and starts after booting. */
  private booted(request: SpotLaunchRequest, _instance: LaunchedInstance): void {
    const env = readWorkerEnvironment(request.userData);
    const e = this.executions.get(env.get('JOB_ID') ?? '');
    const role = env.get('WORKER_ROLE') as WorkerRole | undefined;
    const callbackToken = env.get('CALLBACK_TOKEN');
    if (!e?.current || !role || !callbackToken || e.current.role !== role) throw new Error('a worker booted for no waiting task');
    const run: WorkerRun = { execution: e, role, taskToken: e.current.token, callbackToken, interrupted: false };
    this.runs.push(run);
    this.world.scheduler.after(this.world.prng.between(30, 90), () => this.work(run));
  }

  private work(run: WorkerRun): void {
    const { prng, scheduler, faults } = this.world;
    const worker = this.sys.worker(run.execution.jobId, run.role, run.callbackToken);
    const [min, max] = WORK_SECONDS[run.role];
    const seconds = prng.between(min, max);
    const dieAfter = prng.chance(faults.interruption) ? prng.between(0, seconds) : undefined;
    const beat = async (): Promise<void> => {
      if (run.interrupted) return;
      this.stats.heartbeats += 1;
      let stop = false;
      try {
        // The worker beats until Step Functions has its outcome, reported or resumed by the redrive.
        const answer = await worker.sendHeartbeat();
        stop = answer.isErr() || answer.value === 'AlreadyReported';
      } catch {
        // A crashed heartbeat is just a missed one.
      }
      if (!stop) scheduler.after(WORKER_BEAT_EVERY, beat);
    };
    scheduler.after(WORKER_BEAT_EVERY, beat);
    if (dieAfter !== undefined) {
      scheduler.after(dieAfter, () => {
        // Spot reclaims the instance: no report, no more heartbeats; HeartbeatSeconds will expire.
        run.interrupted = true;
        this.stats.interruptions += 1;
      });
      return;
    }
    scheduler.after(seconds, async () => {
      const success = !prng.chance(faults.jobFailure);
      if (success && run.role === 'renderer') {
        for (let i = 1; i <= 3; i++) this.sys.artifacts.put(`runs/${run.execution.jobId}/render/part-${i}.mp4`, prng.int(10_000_000, 90_000_000));
      }
      run.reported = success ? 'success' : 'failure';
      await this.deliverReport(run, worker, 1);
      if (prng.chance(faults.duplicate)) {
        // The worker did not see the answer (timeout) and reports again.
        scheduler.after(prng.between(1, 20), async () => {
          this.stats.duplicateReports += 1;
          await this.deliverReport(run, worker, 1, true);
        });
      }
    });
  }

  private async deliverReport(run: WorkerRun, worker: Worker, attempt: number, duplicate = false): Promise<void> {
    const { jobId } = run.execution;
    try {
      const result =
        run.reported === 'success'
          ? await worker.reportSuccess({ job_id: jobId, status: run.role === 'renderer' ? 'rendered' : 'uploaded', video_key: `runs/${jobId}/final.mp4` })
          : await worker.reportFailure(run.role === 'renderer' ? 'RenderError' : 'UploadError', `${run.role} failed: ffmpeg exited with 1`);
      if (duplicate && result.isOk() && result.value.type !== 'Resumed') this.stats.duplicatesAbsorbed += 1;
    } catch {
      // The process died mid-report (an injected crash); its supervisor runs the report again.
      if (attempt < REPORT_ATTEMPTS) {
        this.stats.reportRetries += 1;
        this.world.scheduler.after(2 ** attempt, () => this.deliverReport(run, worker, attempt + 1, duplicate));
      }
    }
  }

  private taskEnded(e: Execution, role: WorkerRole, attempt: number, token: string, end: TaskEnd, detail: { error?: string }): void {
    if (e.current?.token !== token) return;
    e.current = undefined;
    this.world.scheduler.after(0, async () => {
      switch (end) {
        case 'succeeded':
          return role === 'renderer' ? this.launch(e, 'uploader', 1) : this.succeed(e);
        case 'failed':
          return this.fail(e, stateOf(role), detail.error ?? 'Error');
        case 'timedOut':
          return this.retryLaunch(e, role, attempt, 'States.HeartbeatTimeout');
        case 'aborted':
          return undefined; // this scenario stops no executions
      }
    });
  }

  private async succeed(e: Execution): Promise<void> {
    const swept = await this.world.latency.time('cleanup', () => this.sys.cleanup({ job_id: e.jobId }));
    this.stats.objectsDeleted += swept.objects_deleted;
    const before = this.sys.counters.tally(e.day).count;
    const answer = await this.world.latency.time('increment-counter', () => this.sys.incrementCounter({ job_id: e.jobId }));
    if (this.world.prng.chance(this.world.faults.providerDown)) {
      // Step Functions retries the task (its answer was lost): the job must not count twice.
      this.stats.incrementRetries += 1;
      await this.world.latency.time('increment-counter', () => this.sys.incrementCounter({ job_id: e.jobId }));
    }
    const after = this.sys.counters.tally(e.day).count;
    if (after !== before || answer.daily_count !== before) this.countChanges.push(`${e.jobId}: count ${before} → ${after} (already reserved)`);
    this.finish(e, 'succeeded');
  }

  /** Catch → handle-error, then cleanup (a failed run's artifacts must not stay behind either). */
  private async fail(e: Execution, state: string, error: string): Promise<void> {
    e.failedState = state;
    e.error = error;
    const cause = JSON.stringify({ errorMessage: `${state} failed: ${error}`, errorType: error, stackTrace: [] });
    const answer = await this.world.latency.time('handle-error', () =>
      this.sys.handleError({ job_id: e.jobId, error: { Error: error, Cause: cause }, state, execution_id: `arn:aws:states:us-east-1:000000000000:execution:manga:${e.jobId}` }),
    );
    if (answer.status !== 'failed') this.handleErrorAnswers.push(`${e.jobId}: handle-error answered ${answer.status}`);
    const swept = await this.world.latency.time('cleanup', () => this.sys.cleanup({ job_id: e.jobId }));
    this.stats.objectsDeleted += swept.objects_deleted;
    this.finish(e, 'failed');
  }

  private finish(e: Execution, end: NonNullable<Execution['end']>): void {
    if (e.end) throw new Error(`${e.jobId} ended twice`);
    e.end = end;
    this.ended += 1;
    this.active -= 1;
  }

  /**
   * The redrive schedule, run while any execution is in flight. Between runs of the pipeline
   * there is nothing to redrive, so skipping those ticks changes nothing but the cost.
   */
  private ensureRedrive(): void {
    if (this.redriving) return;
    this.redriving = true;
    const tick = async (): Promise<void> => {
      await this.redrive();
      if (this.active > 0) this.world.scheduler.after(REDRIVE_EVERY_SECONDS, tick);
      else this.redriving = false;
    };
    this.world.scheduler.after(REDRIVE_EVERY_SECONDS, tick);
  }

  private async checkDay(day: string): Promise<void> {
    // Step Functions clock is virtual: check-quota reads "today", so this runs on the day's last second.
    const answer = await this.world.latency.time('check-quota', () => this.sys.checkQuota({}));
    this.dayChecks.push({ day, count: answer.daily_count, reached: answer.quota_reached });
  }

  private async redrive(): Promise<void> {
    try {
      const report = await this.world.latency.time('callback-redrive', () => this.sys.redrive({}));
      this.stats.redriveResumed += report.resumed;
    } catch {
      this.stats.redriveCrashed += 1;
    }
  }

  async report(): Promise<SystemReport> {
    const all = [...this.executions.values()];
    const count = (end: Execution['end']) => all.filter((e) => e.end === end).length;
    return {
      system: this.system,
      title: 'Daily manga pipeline (seed 003: quota, Spot workers, worker callbacks)',
      submitted: all.length,
      completed: count('succeeded'),
      failed: count('failed'),
      retried: this.stats.launchRetries + this.stats.reportRetries + this.stats.redriveResumed + this.stats.incrementRetries,
      duplicatesAbsorbed: this.stats.duplicatesAbsorbed,
      details: {
        days: this.dayChecks.length,
        'skipped (quota reached)': count('skipped'),
        'Spot launches': this.spot.stats.launched,
        'capacity refusals': this.spot.stats.capacityRefusals,
        'EC2 faults': this.spot.stats.faults,
        'of them launch answers lost (instance adopted)': this.spot.stats.lostAnswers,
        'PENDING mappings of ended tasks (left to the TTL)': this.pendingOfEndedTasks(),
        'Spot interruptions': this.stats.interruptions,
        'launch retries': this.stats.launchRetries,
        heartbeats: this.stats.heartbeats,
        'duplicate worker reports': this.stats.duplicateReports,
        'user step failures': this.stats.userStepFailures,
        'Step Functions outages': this.sfn.stats.outages,
        'crashes before resume': this.sfn.stats.crashes,
        'resumed by redrive': this.stats.redriveResumed,
        'increment-counter retried': this.stats.incrementRetries,
        'artifacts deleted by cleanup': this.stats.objectsDeleted,
        'error alerts sent': this.sys.alerts.sent.length,
      },
      invariants: await this.invariants(all),
    };
  }

  private pendingOfEndedTasks(): number {
    const ended = new Set(this.sfn.ledger().filter((t) => t.ended !== undefined).map((t) => t.token));
    return this.sys.mappings.all().filter((m) => m.status === 'PENDING' && ended.has(m.taskToken)).length;
  }

  private async invariants(all: Execution[]): Promise<InvariantResult[]> {
    const over = this.dayChecks.filter((d) => d.count > DAILY_QUOTA).map((d) => `${d.day}: ${d.count} > ${DAILY_QUOTA}`);
    for (const [day, set] of this.reservedByDay) if (set.size > DAILY_QUOTA) over.push(`${day}: ${set.size} executions got a slot`);
    const miscounted = this.dayChecks
      .filter((d) => d.count !== (this.reservedByDay.get(d.day)?.size ?? 0) || d.reached !== d.count >= DAILY_QUOTA)
      .map((d) => `${d.day}: counted ${d.count}, reserved ${this.reservedByDay.get(d.day)?.size ?? 0}`);

    const interruptedTokens = new Set(this.runs.filter((r) => r.interrupted).map((r) => r.taskToken));
    const ledger = this.sfn.ledger();
    const once = ledger
      .filter((t) => t.ended !== 'abandoned')
      .filter((t) => !(t.ended === 'timedOut' && t.accepted === 0 && interruptedTokens.has(t.token)))
      .filter((t) => t.accepted !== 1 || (t.ended !== 'succeeded' && t.ended !== 'failed'))
      .map((t) => `${t.execution}: token ended ${t.ended ?? 'never'} after ${t.accepted} accepted resume(s)`);
    once.push(...ledger.filter((t) => t.ended === 'abandoned' && t.accepted > 0).map((t) => `${t.execution}: a retried-away token was resumed`));
    once.push(...ledger.filter((t) => t.refusedAfterEnd > 0).map((t) => `${t.execution}: SendTask after the task ended`));

    const ends = new Map(ledger.map((t) => [t.token, t.ended]));
    const lostReports = this.runs
      .filter((r) => r.reported !== undefined)
      .filter((r) => ends.get(r.taskToken) !== (r.reported === 'success' ? 'succeeded' : 'failed'))
      .map((r) => `${r.execution.jobId} ${r.role}: reported ${r.reported}, task ${ends.get(r.taskToken) ?? 'never ended'}`);

    const hanging = all.filter((e) => e.end === undefined).map((e) => `${e.jobId} never ended`);
    const interruptedCallbacks = new Set(this.runs.filter((r) => r.interrupted).map((r) => r.callbackToken));
    // A launch whose outcome was unknown keeps its PENDING mapping (an instance may report
    // through it); once its task has ended it is garbage for the TTL, not lost work.
    const waiting = (m: { taskToken: string }) => ends.has(m.taskToken) && ends.get(m.taskToken) === undefined;
    const open = this.sys.mappings
      .all()
      .filter((m) => m.status === 'ACCEPTED' || (m.status === 'PENDING' && !interruptedCallbacks.has(m.callbackToken) && waiting(m)))
      .map((m) => `mapping of ${m.jobId} left ${m.status}`);

    const failedRecords: string[] = [];
    for (const e of all.filter((x) => x.end === 'failed')) {
      const job = await this.sys.jobs.get(e.jobId);
      if (job?.status !== 'failed') failedRecords.push(`${e.jobId}: job record ${job?.status ?? 'missing'}`);
    }
    return [
      invariant('daily quota never exceeded', over, `${this.dayChecks.length} days, at most ${DAILY_QUOTA} jobs each, ${all.filter((e) => e.reserved).length} slots taken`),
      invariant('each job counted once per day (increment-counter retries add nothing)', [...miscounted, ...this.countChanges], 'check-quota agrees with the reservations every day'),
      invariant('every task token resumed exactly once (or timed out after a Spot interruption)', once, `${ledger.length} tokens`),
      invariant('every worker report reached Step Functions as reported', lostReports, `${this.runs.filter((r) => r.reported).length} reports`),
      invariant('nothing lost: every execution ended, no callback left ACCEPTED', [...hanging, ...open], `${all.length} executions ended`),
      invariant('every failed run recorded failed by handle-error, with its state', [...this.handleErrorAnswers, ...failedRecords], `${all.filter((e) => e.end === 'failed').length} failed runs recorded`),
      invariant('cleanup left no artifact behind', this.sys.artifacts.keys().slice(0, 5), `${this.stats.objectsDeleted} objects deleted`),
    ];
  }
}

function stateOf(role: WorkerRole): string {
  return role === 'renderer' ? 'StartRenderer' : 'StartUploader';
}

export const mangaPipeline: ScenarioDefinition = {
  name: 'pipeline',
  title: 'Daily manga pipeline over simulated days: quota, Spot workers, heartbeats',
  weight: 1,
  create: (world, jobs) => new MangaPipelineScenario(world, jobs),
};
