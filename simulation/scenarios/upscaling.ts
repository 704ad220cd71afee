import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { invariant, type InvariantResult } from '../Invariant.js';
import type { ScenarioDefinition } from '../ScenarioDefinition.js';
import type { Scenario, SystemReport } from '../SystemReport.js';
import type { World } from '../World.js';
import { SimRunPod } from '../cloud/SimRunPod.js';
import { SimStepFunctions, type TaskEnd } from '../cloud/SimStepFunctions.js';
import { httpApiEvent } from '../httpApiEvent.js';
import { scheduledEvent } from '../scheduledEvent.js';
import { wireCallbacks, RUNPOD_EXECUTION_TIMEOUT_MS, type CallbackSystem } from '../wiring/wireCallbacks.js';

/** How long each segment's `.waitForTaskToken` state waits (TimeoutSeconds). */
export const SEGMENT_TIMEOUT_SECONDS = 2 * 3600;
/** Step Functions Retry on the submit task: attempts in all, and the first back-off. */
const SUBMIT_ATTEMPTS = 3;
const SUBMIT_BACKOFF_SECONDS = 2;
const REDRIVE_EVERY_SECONDS = 60;
/** Segments arriving per second of virtual time, across videos. */
const SEGMENTS_PER_SECOND = 2;

interface Segment {
  readonly index: number;
  readonly filename: string;
  attempts: number;
  token?: string;
  jobId?: string;
  end?: TaskEnd | 'submitFailed';
  output?: string;
  error?: string;
}

interface Video {
  readonly exec: string;
  readonly segments: Segment[];
  ended: number;
}

/**
 * The showcase: videos split into segments, each segment a Step Functions `.waitForTaskToken`
 * task that calls the real `submit-runpod-job` handler; simulated RunPod works on it and
 * posts the real `runpod-webhook` handler (duplicates, late, lost, failed jobs, fast
 * webhooks); Step Functions has outages and the webhook crashes now and then; the real
 * `callback-redrive` handler runs every minute. Every token must be resumed exactly once.
 */
export class UpscalingScenario implements Scenario {
  readonly system = 'runpod-callbacks';
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
  private readonly answers = new Map<number, number>();
  private requests = 0;

  constructor(
    private readonly world: World,
    private readonly jobs: number,
  ) {
    this.sfn = new SimStepFunctions(world);
    this.runpod = new SimRunPod(world, (url, body) => this.postWebhook(url, body));
    this.callbacks = wireCallbacks(world, this.sfn, this.runpod.gpuJobs);
  }

  start(): void {
    const { prng, scheduler } = this.world;
    let remaining = this.jobs;
    let at = 0;
    for (let n = 1; remaining > 0; n += 1) {
      const count = Math.min(remaining, prng.int(4, 12));
      remaining -= count;
      const video: Video = {
        exec: `upscale-${String(n).padStart(5, '0')}`,
        segments: Array.from({ length: count }, (_, i) => ({ index: i, filename: `seg_${String(i + 1).padStart(4, '0')}.mp4`, attempts: 0 })),
        ended: 0,
      };
      this.videos.push(video);
      at += prng.exponential(count / SEGMENTS_PER_SECOND);
      scheduler.after(at, () => {
        // A Map state: every segment's task starts at once.
        for (const segment of video.segments) scheduler.after(0, () => this.submit(video, segment));
      });
    }
    this.sfn.planOutages(at + 900);
    scheduler.every(REDRIVE_EVERY_SECONDS, () => this.redrive(), () => this.busy());
  }

  progress(): { done: number; total: number } {
    return { done: this.segmentsDone, total: this.jobs };
  }

  busy(): boolean {
    return this.videosDone < this.videos.length;
  }

  private async submit(video: Video, segment: Segment): Promise<void> {
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
      segment.jobId = out.job_id;
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
    if (detail.output !== undefined) segment.output = detail.output;
    if (detail.error !== undefined) segment.error = detail.error;
    this.segmentsDone += 1;
    video.ended += 1;
    if (video.ended === video.segments.length) this.videosDone += 1;
  }

  private async postWebhook(url: string, body: unknown): Promise<number> {
    const path = new URL(url).pathname;
    const token = path.split('/').pop() ?? '';
    this.requests += 1;
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
    this.answers.set(status, (this.answers.get(status) ?? 0) + 1);
    return status;
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
      title: 'Upscaling on RunPod (seeds 000 + 001, callback-redrive)',
      submitted: this.runpod.jobs.size,
      completed,
      failed: segments.length - completed,
      retried: rp.deliveryRetries + this.submitRetries + this.redriveResumed,
      duplicatesAbsorbed: this.callbacks.metrics.get('CallbackDuplicates'),
      details: {
        videos: this.videos.length,
        'videos failed': videosFailed,
        'webhook deliveries': rp.deliveries,
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
      },
      invariants: this.invariants(segments),
    };
  }

  private invariants(segments: Segment[]): InvariantResult[] {
    const ledger = this.sfn.ledger();
    const live = ledger.filter((t) => t.ended !== 'abandoned');
    const onceViolations = live
      .filter((t) => t.accepted !== 1 || (t.ended !== 'succeeded' && t.ended !== 'failed'))
      .map((t) => `${t.execution}: token ended ${t.ended ?? 'never'} after ${t.accepted} accepted resume(s)`);
    const abandonedResumed = ledger
      .filter((t) => t.ended === 'abandoned' && t.accepted > 0)
      .map((t) => `${t.execution}: a retried-away token was resumed`);
    const refused = ledger.filter((t) => t.refusedAfterEnd > 0).map((t) => `${t.execution}: ${t.refusedAfterEnd} SendTask after the task ended`);

    const bySegmentJob = new Map(segments.filter((s) => s.jobId).map((s) => [s.jobId!, s]));
    const mismatches: string[] = [];
    for (const job of this.runpod.jobs.values()) {
      const segment = bySegmentJob.get(job.id);
      if (!segment) {
        mismatches.push(`RunPod job ${job.id} belongs to no segment`);
        continue;
      }
      const expected = job.status === 'COMPLETED' ? 'succeeded' : 'failed';
      if (segment.end !== expected) mismatches.push(`${job.id}: RunPod ${job.status} but the task ${segment.end ?? 'never ended'}`);
      else if (expected === 'succeeded' && !segment.output?.includes(job.id)) mismatches.push(`${job.id}: output does not carry RunPod's result`);
      else if (expected === 'failed' && segment.error !== job.status) mismatches.push(`${job.id}: error ${segment.error} instead of ${job.status}`);
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

    return [
      invariant('every task token resumed exactly once', [...onceViolations, ...abandonedResumed], `${live.length} tokens, each resumed once`),
      invariant('duplicates never reached Step Functions', refused, `${this.callbacks.metrics.get('CallbackDuplicates')} duplicates absorbed, 0 extra SendTask calls`),
      invariant('Step Functions got exactly what RunPod reported', mismatches, `${this.runpod.jobs.size} RunPod jobs matched`),
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

