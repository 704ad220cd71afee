import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { invariant, type InvariantResult } from '../Invariant.js';
import type { ScenarioDefinition } from '../ScenarioDefinition.js';
import type { Scenario, SystemReport } from '../SystemReport.js';
import type { World } from '../World.js';
import { InMemorySpotInstances } from '../../adapters/memory/InMemorySpotInstances.js';
import { InMemoryWorkerInstances } from '../../adapters/memory/InMemoryWorkerInstances.js';
import { DEFAULT_RUNPOD, SimRunPod, type SimRunPodSettings } from '../cloud/SimRunPod.js';
import { SimStepFunctions, type TaskEnd } from '../cloud/SimStepFunctions.js';
import { httpApiEvent } from '../httpApiEvent.js';
import { scheduledEvent } from '../scheduledEvent.js';
import { wireCallbacks, RUNPOD_EXECUTION_TIMEOUT_MS, type CallbackSystem } from '../wiring/wireCallbacks.js';

/** How long each segment's `.waitForTaskToken` state waits (TimeoutSeconds). */
const SEGMENT_TIMEOUT_SECONDS = 2 * 3600;
/** Step Functions Retry on the submit task: attempts in all, and the first back-off. */
const SUBMIT_ATTEMPTS = 3;
const SUBMIT_BACKOFF_SECONDS = 2;
const REDRIVE_EVERY_SECONDS = 60;
const RECONCILE_EVERY_SECONDS = 300;
const RECONCILE_AFTER_SECONDS = 300;
/** A finished job's task must have ended by then: reconcile cutoff + one schedule + outage and redrive slack. */
const FINISHED_WORK_DEADLINE_SECONDS = RECONCILE_AFTER_SECONDS + RECONCILE_EVERY_SECONDS + 900;
/** EventBridge delivers "Execution Status Change" within seconds; the job must be cancelled soon after. */
const EXECUTION_EVENT_DELAY_SECONDS = 2;
const STOP_DEADLINE_SECONDS = 60;
/** How segments arrive and how fast RunPod works: the showcase's, or the load run's. */
export interface UpscalingSettings {
  readonly system: string;
  readonly title: string;
  /** Segments arriving per second of virtual time, across videos. */
  readonly segmentsPerSecond: number;
  /** Segments per video, drawn from [min, max]. */
  readonly segmentsPerVideo: readonly [number, number];
  /** Videos arrive as a Poisson process, or evenly spaced at exactly the rate (a steady load). */
  readonly arrivals: 'poisson' | 'steady';
  readonly runpod: SimRunPodSettings;
}

const UPSCALING_SETTINGS: UpscalingSettings = {
  system: 'runpod-callbacks',
  title: 'Upscaling on RunPod (seeds 000 + 001, callback-redrive)',
  segmentsPerSecond: 2,
  segmentsPerVideo: [4, 12],
  arrivals: 'poisson',
  runpod: DEFAULT_RUNPOD,
};

interface Segment {
  readonly index: number;
  readonly filename: string;
  attempts: number;
  token?: string;
  jobId?: string;
  end?: TaskEnd | 'submitFailed';
  endedAtMs?: number;
  output?: string;
  error?: string;
}

interface Video {
  readonly exec: string;
  readonly arn: string;
  readonly segments: Segment[];
  ended: number;
  /** When StopExecution stopped it (the `abort` fault). */
  abortedAtMs?: number;
}

/**
 * The showcase: videos split into segments, each segment a Step Functions `.waitForTaskToken`
 * task that calls the real `submit-runpod-job` handler; simulated RunPod works on it and
 * posts the real `runpod-webhook` handler (duplicates, late, lost, failed jobs, fast
 * webhooks); Step Functions has outages and the webhook crashes now and then; the real
 * `callback-redrive` handler runs every minute. Every token must be resumed exactly once.
 */
class UpscalingScenario implements Scenario {
  readonly system: string;
  private readonly sfn: SimStepFunctions;
  private readonly runpod: SimRunPod;
  private readonly callbacks: CallbackSystem;
  private readonly videos: Video[] = [];
  private segmentsDone = 0;
  private videosDone = 0;
  private submitRetries = 0;
  private redriveRuns = 0;
  private redriveResumed = 0;
  private redriveFailures = 0;
  private reconcileRuns = 0;
  private reconcileRecovered = 0;
  private reconcileCancelled = 0;
  private reconcileFailures = 0;
  private jobsCancelledOnAbort = 0;
  private readonly answers = new Map<number, number>();
  /** 410 answers to deliveries for mappings given up because their execution ended (legitimate). */
  private goneAfterAbort = 0;
  private requests = 0;
  /** Webhook deliveries per simulated second, streamed: the current second's count and the busiest's. */
  private readonly deliveriesPerSecond = { second: -1, count: 0, peak: 0 };

  constructor(
    private readonly world: World,
    private readonly jobs: number,
    private readonly settings: UpscalingSettings = UPSCALING_SETTINGS,
  ) {
    this.system = settings.system;
    this.sfn = new SimStepFunctions(world, { refusals: true });
    this.runpod = new SimRunPod(world, (url, body) => this.postWebhook(url, body), settings.runpod);
    this.callbacks = wireCallbacks(world, this.sfn, this.runpod.gpuJobs, new InMemoryWorkerInstances(new InMemorySpotInstances(), world.clock));
  }

  start(): void {
    const { prng, scheduler } = this.world;
    let remaining = this.jobs;
    let at = 0;
    for (let n = 1; remaining > 0; n += 1) {
      const count = Math.min(remaining, prng.int(...this.settings.segmentsPerVideo));
      remaining -= count;
      const exec = `upscale-${String(n).padStart(5, '0')}`;
      const video: Video = {
        exec,
        arn: `arn:aws:states:us-east-1:000000000000:execution:upscale:${exec}`,
        segments: Array.from({ length: count }, (_, i) => ({ index: i, filename: `seg_${String(i + 1).padStart(4, '0')}.mp4`, attempts: 0 })),
        ended: 0,
      };
      this.videos.push(video);
      const gap = count / this.settings.segmentsPerSecond;
      at += this.settings.arrivals === 'poisson' ? prng.exponential(gap) : gap;
      scheduler.after(at, () => {
        // A Map state: every segment's task starts at once.
        for (const segment of video.segments) scheduler.after(0, () => this.submit(video, segment));
      });
      if (prng.chance(this.world.faults.abort)) scheduler.after(at + prng.between(30, 1200), () => this.abort(video));
    }
    this.sfn.planOutages(at + 900);
    scheduler.every(REDRIVE_EVERY_SECONDS, () => this.redrive(), () => this.busy());
    // `--sabotage no-reconcile` deploys without runpod-reconcile: lost webhooks are never recovered.
    if (this.world.sabotage !== 'no-reconcile') scheduler.every(RECONCILE_EVERY_SECONDS, () => this.reconcile(), () => this.busy());
  }

  /** StopExecution on a video still running; EventBridge then tells `execution-ended`. */
  private abort(video: Video): void {
    if (video.ended === video.segments.length) return;
    video.abortedAtMs = this.world.scheduler.nowMs();
    this.sfn.stats.aborted += 1;
    this.sfn.abortExecution(video.exec);
    // `--sabotage no-execution-events` deploys without the EventBridge rule for execution-ended.
    if (this.world.sabotage === 'no-execution-events') return;
    this.world.scheduler.after(EXECUTION_EVENT_DELAY_SECONDS, async () => {
      const report = await this.world.latency.time('execution-ended', () =>
        this.callbacks.executionEnded({
          version: '0',
          source: 'aws.states',
          'detail-type': 'Step Functions Execution Status Change',
          detail: { executionArn: video.arn, status: 'ABORTED' },
        }),
      );
      this.jobsCancelledOnAbort += report?.jobsCancelled ?? 0;
    });
  }

  private async reconcile(): Promise<void> {
    this.reconcileRuns += 1;
    const now = this.world.clock.now();
    try {
      const report = await this.world.latency.time('runpod-reconcile', () =>
        this.callbacks.reconcile(scheduledEvent('baton-runpod-reconcile', now, `reconcile-${this.reconcileRuns}`)),
      );
      this.reconcileRecovered += report.recovered + report.lost;
      this.reconcileCancelled += report.cancelled;
    } catch {
      // A fault on some mapping (an injected crash before SendTask): the next run retries it.
      this.reconcileFailures += 1;
    }
  }

  progress(): { done: number; total: number } {
    return { done: this.segmentsDone, total: this.jobs };
  }

  busy(): boolean {
    return this.videosDone < this.videos.length;
  }

  private async submit(video: Video, segment: Segment): Promise<void> {
    if (video.abortedAtMs !== undefined) return this.ended(video, segment, 'aborted', {});
    segment.attempts += 1;
    const token = this.sfn.waitForTaskToken({
      execution: video.exec,
      timeoutSeconds: SEGMENT_TIMEOUT_SECONDS,
      onEnd: (end, detail) => this.ended(video, segment, end, detail),
    });
    segment.token = token;
    this.runpod.maybeFailNextSubmit(this.world.faults.providerDown);
    const event = {
      task_token: token,
      exec_id: video.exec,
      execution_arn: video.arn,
      segment: {
        filename: segment.filename,
        input_key: `runs/${video.exec}/raw/${segment.filename}`,
        output_key: `runs/${video.exec}/upscaled/${segment.filename}`,
      },
      params: { model: '7b', resolution: 1080, batch_size_strategy: 'quality', compile_dit: true, ten_bit: false },
      bucket: 'sim-bucket',
      presign_expires_secs: 21600,
    };
    try {
      const out = await this.world.latency.time('submit-runpod-job', () => this.callbacks.submit(event));
      // A lost RunPod answer leaves job_id empty; the job is still the one posted to this webhook.
      segment.jobId = out.job_id || [...this.runpod.jobs.values()].find((j) => j.request.webhook === out.webhook_url)?.id;
    } catch (error) {
      // The Lambda task failed: Step Functions' Retry runs the state again with a new token.
      this.sfn.abandon(token);
      if (segment.attempts < SUBMIT_ATTEMPTS) {
        this.submitRetries += 1;
        this.world.scheduler.after(SUBMIT_BACKOFF_SECONDS * 2 ** (segment.attempts - 1), () => this.submit(video, segment));
      } else {
        segment.error = String(error);
        this.ended(video, segment, 'submitFailed', {});
      }
    }
  }

  private ended(video: Video, segment: Segment, end: TaskEnd | 'submitFailed', detail: { output?: string; error?: string }): void {
    if (segment.end !== undefined) return;
    segment.end = end;
    segment.endedAtMs = this.world.scheduler.nowMs();
    if (detail.output !== undefined) segment.output = detail.output;
    if (detail.error !== undefined) segment.error = detail.error;
    this.segmentsDone += 1;
    video.ended += 1;
    if (video.ended === video.segments.length) this.videosDone += 1;
  }

  private abortedArns(): Set<string> {
    return new Set(this.videos.filter((v) => v.abortedAtMs !== undefined && v.abortedAtMs <= this.world.scheduler.nowMs()).map((v) => v.arn));
  }

  private async postWebhook(url: string, body: unknown): Promise<number> {
    const path = new URL(url).pathname;
    const token = path.split('/').pop() ?? '';
    this.requests += 1;
    this.countDelivery();
    const event: APIGatewayProxyEventV2 = httpApiEvent({
      method: 'POST',
      routeKey: 'POST /webhook/{callback_token}',
      path,
      pathParameters: { callback_token: token },
      headers: { 'content-type': 'application/json', 'user-agent': 'RunPod-Webhook/1.0' },
      body: JSON.stringify(body),
      requestId: `req-${this.requests}`,
      now: this.world.clock.now(),
    });
    let status: number;
    try {
      const response = await this.world.latency.time('runpod-webhook', () => this.callbacks.webhook(event));
      status = response.statusCode;
    } catch {
      status = 502; // API Gateway's answer when the function itself fails.
    }
    // A 410 is the right answer once the execution is aborted: the mapping was abandoned by
    // execution-ended, or (a delivery that beat execution-ended) Step Functions said the task is gone.
    const mapping = status === 410 ? this.callbacks.mappings.all().find((m) => m.callbackToken === token) : undefined;
    if (mapping && (mapping.status === 'ABANDONED' || this.abortedArns().has(mapping.executionArn ?? ''))) {
      this.goneAfterAbort += 1;
    } else {
      this.answers.set(status, (this.answers.get(status) ?? 0) + 1);
    }
    return status;
  }

  private countDelivery(): void {
    const perSecond = this.deliveriesPerSecond;
    const second = Math.floor(this.world.scheduler.nowMs() / 1000);
    if (second !== perSecond.second) {
      perSecond.second = second;
      perSecond.count = 0;
    }
    perSecond.count += 1;
    if (perSecond.count > perSecond.peak) perSecond.peak = perSecond.count;
  }

  private async redrive(): Promise<void> {
    this.redriveRuns += 1;
    const now = this.world.clock.now();
    try {
      const result = await this.world.latency.time('callback-redrive', () =>
        this.callbacks.redrive(scheduledEvent('baton-callback-redrive', now, `redrive-${this.redriveRuns}`)),
      );
      this.redriveResumed += result.resumed;
    } catch {
      // The run's Lambda died (an injected crash); the next scheduled run picks up what it left.
      this.redriveFailures += 1;
    }
  }

  report(): SystemReport {
    const segments = this.videos.flatMap((v) => v.segments);
    const completed = segments.filter((s) => s.end === 'succeeded').length;
    const rp = this.runpod.stats;
    const sfn = this.sfn.stats;
    const videosFailed = this.videos.filter((v) => v.segments.some((s) => s.end !== 'succeeded')).length;
    return {
      system: this.system,
      title: this.settings.title,
      submitted: this.runpod.jobs.size,
      completed,
      failed: segments.length - completed,
      retried: rp.deliveryRetries + this.submitRetries + this.redriveResumed,
      duplicatesAbsorbed: this.callbacks.metrics.get('CallbackDuplicates'),
      details: {
        videos: this.videos.length,
        'videos failed': videosFailed,
        'webhook deliveries': rp.deliveries,
        'webhooks in the busiest second': this.deliveriesPerSecond.peak,
        'lost deliveries': rp.lostDeliveries,
        'duplicate deliveries': rp.duplicateDeliveries,
        'of them concurrent': rp.concurrentDuplicates,
        'late deliveries': rp.lateDeliveries,
        'webhooks before submit answered': rp.fastWebhooks,
        'RunPod FAILED': rp.failedJobs,
        'RunPod TIMED_OUT': rp.timedOutJobs,
        'RunPod submit faults': rp.submitFaults,
        'Step Functions outages': sfn.outages,
        'outage minutes': Math.round(sfn.outageSeconds / 60),
        'crashes before resume': sfn.crashes,
        'resumed by a delivery': this.callbacks.metrics.get('CallbacksResumed') - this.redriveResumed,
        'resumed by redrive': this.redriveResumed,
        'redrive runs': this.redriveRuns,
        'redrive runs crashed': this.redriveFailures,
        'webhooks lost for good': rp.webhooksLostForGood,
        'recovered by reconciler': this.reconcileRecovered,
        'reconcile runs': this.reconcileRuns,
        'reconcile runs with a fault': this.reconcileFailures,
        'executions aborted': sfn.aborted,
        'jobs cancelled on abort': this.jobsCancelledOnAbort + this.reconcileCancelled,
        'RunPod jobs cancelled': rp.cancelledJobs,
        'webhooks answered 410 after abort': this.goneAfterAbort,
        'resumes refused for good': sfn.refusedForGood,
      },
      invariants: this.invariants(segments),
    };
  }

  private invariants(segments: Segment[]): InvariantResult[] {
    const ledger = this.sfn.ledger();
    const abortedExecs = new Set(this.videos.filter((v) => v.abortedAtMs !== undefined).map((v) => v.exec));
    const refusedTokens = new Set(ledger.filter((t) => t.refusedForGood > 0).map((t) => t.token));
    const live = ledger.filter((t) => t.ended !== 'abandoned' && !refusedTokens.has(t.token));
    const onceViolations = live
      .filter((t) => {
        if (t.ended === 'aborted') return t.accepted !== 0 || !abortedExecs.has(t.execution);
        return t.accepted !== 1 || (t.ended !== 'succeeded' && t.ended !== 'failed');
      })
      .map((t) => `${t.execution}: token ended ${t.ended ?? 'never'} after ${t.accepted} accepted resume(s)`);
    const abandonedResumed = ledger
      .filter((t) => t.ended === 'abandoned' && t.accepted > 0)
      .map((t) => `${t.execution}: a retried-away token was resumed`);
    // An aborted task may see one SendTask (the first delivery, racing execution-ended); a second
    // would be a duplicate that got past the claim.
    const refused = ledger
      .filter((t) => t.refusedAfterEnd > (t.ended === 'aborted' ? 1 : 0))
      .map((t) => `${t.execution}: ${t.refusedAfterEnd} SendTask after the task ended`);
    const retriedRefusals = ledger
      .filter((t) => t.refusedForGood > 1 || (t.refusedForGood > 0 && t.accepted > 0))
      .map((t) => `${t.execution}: a permanent refusal was retried (${t.refusedForGood} calls, ${t.accepted} accepted)`);
    const refusedMappings = this.callbacks.mappings.all().filter((m) => m.status === 'REFUSED').length;
    if (refusedMappings !== this.callbacks.metrics.get('CallbacksRefused')) {
      retriedRefusals.push(`${refusedMappings} REFUSED mappings but CallbacksRefused counted ${this.callbacks.metrics.get('CallbacksRefused')}`);
    }

    const bySegmentJob = new Map(segments.filter((s) => s.jobId).map((s) => [s.jobId!, s]));
    const videoOf = new Map(this.videos.flatMap((v) => v.segments.map((s) => [s, v] as const)));
    const mismatches: string[] = [];
    const late: string[] = [];
    const outlived: string[] = [];
    for (const job of this.runpod.jobs.values()) {
      const segment = bySegmentJob.get(job.id);
      if (!segment) {
        mismatches.push(`RunPod job ${job.id} belongs to no segment`);
        continue;
      }
      const video = videoOf.get(segment)!;
      if (video.abortedAtMs !== undefined) {
        // No paid compute outlives its execution: stopped (finished or cancelled) soon after the abort.
        const stoppedBy = video.abortedAtMs + (EXECUTION_EVENT_DELAY_SECONDS + STOP_DEADLINE_SECONDS) * 1000;
        if (job.stoppedAtMs === undefined || job.stoppedAtMs > stoppedBy) {
          outlived.push(`${job.id} of ${video.exec}: still ${job.status} ${job.stoppedAtMs === undefined ? 'at the end' : `${(job.stoppedAtMs - video.abortedAtMs) / 1000} s after the abort`}`);
        }
        continue;
      }
      if (segment.token !== undefined && refusedTokens.has(segment.token)) continue;
      const expected = job.status === 'COMPLETED' ? 'succeeded' : 'failed';
      if (segment.end !== expected) mismatches.push(`${job.id}: RunPod ${job.status} but the task ${segment.end ?? 'never ended'}`);
      else if (expected === 'succeeded' && !segment.output?.includes(job.id)) mismatches.push(`${job.id}: output does not carry RunPod's result`);
      else if (expected === 'failed' && segment.error !== job.status) mismatches.push(`${job.id}: error ${segment.error} instead of ${job.status}`);
      // Nothing waits past its deadline for finished work, even when every webhook was lost.
      if (job.stoppedAtMs !== undefined && (segment.endedAtMs ?? Infinity) > job.stoppedAtMs + FINISHED_WORK_DEADLINE_SECONDS * 1000) {
        late.push(`${job.id}: finished at ${job.stoppedAtMs / 1000} s, its task ended ${segment.endedAtMs === undefined ? 'never' : `at ${segment.endedAtMs / 1000} s`}`);
      }
    }

    const unfinishedVideos = this.videos.filter((v) => v.ended !== v.segments.length).map((v) => `${v.exec} never ended`);
    const openMappings = this.callbacks.mappings
      .all()
      .filter((m) => m.status === 'PENDING' || m.status === 'ACCEPTED')
      .map((m) => `mapping of ${m.execId}/${m.segmentFilename} left ${m.status}`);

    const overlong = [...this.runpod.jobs.values()]
      .filter((j) => (j.request.policy?.executionTimeout ?? Infinity) / 1000 >= SEGMENT_TIMEOUT_SECONDS)
      .map((j) => `${j.id}: RunPod may run ${j.request.policy?.executionTimeout ?? '∞'} ms, the task waits ${SEGMENT_TIMEOUT_SECONDS} s`);

    const badAnswers = [...this.answers.entries()]
      .filter(([status]) => status !== 200 && status !== 202 && status < 500)
      .map(([status, n]) => `${n} delivery(ies) answered ${status}`);
    const serverErrors = [...this.answers.entries()].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0);
    if (serverErrors > this.sfn.stats.crashes) badAnswers.push(`${serverErrors} 5xx answers but only ${this.sfn.stats.crashes} injected crashes`);

    const lostForGood = this.runpod.stats.webhooksLostForGood;
    return [
      invariant('every task token resumed exactly once', [...onceViolations, ...abandonedResumed], `${live.length} tokens, each resumed once (or aborted with its execution)`),
      invariant('duplicates never reached Step Functions', refused, `${this.callbacks.metrics.get('CallbackDuplicates')} duplicates absorbed, 0 extra SendTask calls`),
      invariant('Step Functions got exactly what RunPod reported', mismatches, `${this.runpod.jobs.size} RunPod jobs matched`),
      invariant(
        'nothing waits past its deadline for finished work (lost webhooks recovered)',
        late,
        `every finished job's task ended within ${FINISHED_WORK_DEADLINE_SECONDS} s; ${lostForGood} webhooks lost for good, ${this.reconcileRecovered} recovered by the reconciler`,
      ),
      invariant(
        'no paid compute outlives its execution',
        outlived,
        `${this.sfn.stats.aborted} executions aborted, their running jobs cancelled within ${STOP_DEADLINE_SECONDS} s`,
      ),
      invariant(
        'a permanent Step Functions refusal is held once, never retried',
        retriedRefusals,
        `${refusedMappings} mappings REFUSED and counted, none redriven`,
      ),
      invariant('nothing lost: every video ended, no mapping left PENDING/ACCEPTED', [...unfinishedVideos, ...openMappings], `${this.videos.length} videos ended`),
      invariant('RunPod policy ends before the Step Functions task times out', overlong, `executionTimeout ${RUNPOD_EXECUTION_TIMEOUT_MS / 1000} s < TimeoutSeconds ${SEGMENT_TIMEOUT_SECONDS}`),
      invariant('webhook answers: 200/202 to every genuine delivery, 5xx only for injected crashes', badAnswers, answersDetail(this.answers)),
    ];
  }
}

function answersDetail(answers: Map<number, number>): string {
  return [...answers.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}×${n}`)
    .join(', ');
}

export const upscaling: ScenarioDefinition = {
  name: 'upscaling',
  title: 'Upscaling: videos split into segments on RunPod, resumed by webhook',
  weight: 4,
  create: (world, jobs) => new UpscalingScenario(world, jobs),
};

/** The load run's arrival rate: segments (so callbacks) per simulated second. */
export const LOAD_SEGMENTS_PER_SECOND = 10_000;

/**
 * The load run (`npm run bench:simulation`): the same real handlers (submit → webhook → resume,
 * redrive and reconciler on their schedules) at 10,000 segments a simulated second, arriving
 * steadily, RunPod finishing each in 1–4 s so webhooks arrive at the same rate. With `--jobs`
 * segments, the full rate lasts about jobs / 10,000 seconds.
 */
export const callbackLoad: ScenarioDefinition = {
  name: 'callback-load',
  title: `Callback load: ${LOAD_SEGMENTS_PER_SECOND.toLocaleString('en-US')} segments a second through submit → webhook → resume`,
  weight: 1,
  create: (world, jobs) =>
    new UpscalingScenario(world, jobs, {
      system: 'callback-load',
      title: `Callback load (${LOAD_SEGMENTS_PER_SECOND.toLocaleString('en-US')} segments/s on RunPod, callback-redrive)`,
      segmentsPerSecond: LOAD_SEGMENTS_PER_SECOND,
      segmentsPerVideo: [4, 12],
      arrivals: 'steady',
      runpod: { fastWebhookRate: 0.02, stuckRate: 0.005, meanDelaySeconds: 0.5, minExecutionSeconds: 1, maxExecutionSeconds: 3 },
    }),
};

