import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UpdateJobStatus } from '../../application/jobs/UpdateJobStatus.js';
import { InMemoryJobs } from '../../adapters/memory/InMemoryJobs.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { JOB_STATUS_RANK, transition, type Job, type JobChange, type JobStatus } from '../../domain/jobs/Job.js';
import { aJob } from './builders.js';

/** What the model knows: the status it believes, attempts started, and every version the job has had. */
interface Model {
  status: JobStatus;
  attempts: number;
  readonly maxAttempts: number;
  readonly history: Job[];
}

interface Real {
  readonly jobs: InMemoryJobs;
  readonly update: UpdateJobStatus;
  readonly clock: ManualClock;
  readonly jobId: string;
}

/** The model's own rule (written apart from the domain's table): where a change takes a job, or undefined if refused. */
function modelNext(m: Pick<Model, 'status' | 'attempts' | 'maxAttempts'>, requested: JobStatus): JobStatus | undefined {
  const left = m.attempts < m.maxAttempts;
  switch (m.status) {
    case 'submitted':
      return requested === 'processing' || requested === 'failed' || requested === 'completed' ? requested : undefined;
    case 'processing':
      if (requested === 'retrying') return left ? 'retrying' : 'failed';
      return requested === 'submitted' ? undefined : requested;
    case 'retrying':
      if (requested === 'processing' || requested === 'failed' || requested === 'completed') return requested;
      return requested === 'retrying' && !left ? 'failed' : undefined;
    case 'completed':
    case 'failed':
      return undefined;
  }
}

const changeArb: fc.Arbitrary<JobChange> = fc.constantFrom<JobChange>(
  { status: 'processing' },
  { status: 'completed', output: { s3Uri: 's3://b/out.mp4', duration: 3, size: 10 } },
  { status: 'retrying', error: { message: 'throttled' } },
  { status: 'failed', error: { message: 'broken' } },
);

async function stored(r: Real): Promise<Job> {
  return (await r.jobs.get(r.jobId))!;
}

/** Every command checks the invariant: the stored job never moves backwards and never leaves a final status. */
function checkNotBackwards(before: Job, after: Job): void {
  expect(JOB_STATUS_RANK[after.status]).toBeGreaterThanOrEqual(JOB_STATUS_RANK[before.status]);
  if (before.status === 'completed' || before.status === 'failed') expect(after).toEqual(before);
  expect(after.version).toBeGreaterThanOrEqual(before.version);
}

class UpdateCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly change: JobChange) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const before = await stored(r);
    const expected = modelNext(m, this.change.status);
    r.clock.advanceSeconds(1);

    const result = await r.update.execute({ jobId: r.jobId, change: this.change });

    const after = await stored(r);
    checkNotBackwards(before, after);
    if (expected === undefined) {
      expect(result.isErr() && result.error.type).toBe('JobStatusRefused');
      expect(after).toEqual(before);
    } else {
      expect(result._unsafeUnwrap()).toEqual(after);
      expect(after.status).toBe(expected);
      m.status = after.status;
      m.attempts = after.attempts;
      m.history.push(after);
    }
  }
  toString = () => `update(${this.change.status})`;
}

/** A writer that read the job long ago: its conditional write must lose unless nothing happened since. */
class StaleWriteCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly age: number,
    readonly change: JobChange,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const snapshot = m.history[Math.max(0, m.history.length - 1 - this.age)]!;
    const next = transition(snapshot, this.change, r.clock.now());
    if (next.isErr()) return;
    const before = await stored(r);

    const result = await r.jobs.update(snapshot, next.value);

    const after = await stored(r);
    checkNotBackwards(before, after);
    if (snapshot.version === before.version) {
      expect(result.isOk()).toBe(true);
      m.status = after.status;
      m.attempts = after.attempts;
      m.history.push(after);
    } else {
      expect(result.isErr() && result.error.type).toBe('JobChanged');
      expect(after).toEqual(before);
    }
  }
  toString = () => `stale(${this.age}, ${this.change.status})`;
}

/** Several processors at once: every success is a legal step from the one before it, in version order. */
class ConcurrentUpdatesCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly changes: JobChange[]) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const before = await stored(r);

    const results = await Promise.all(this.changes.map((change) => r.update.execute({ jobId: r.jobId, change })));

    const after = await stored(r);
    checkNotBackwards(before, after);
    const wins = results.flatMap((x) => (x.isOk() ? [x.value] : [])).sort((a, b) => a.version - b.version);
    expect(wins.map((j) => j.version)).toEqual(wins.map((_, i) => before.version + i + 1));
    let state: Pick<Model, 'status' | 'attempts' | 'maxAttempts'> = m;
    for (const win of wins) {
      const requested = this.changes[results.findIndex((x) => x.isOk() && x.value === win)]!.status;
      expect(modelNext(state, requested)).toBe(win.status);
      state = { status: win.status, attempts: win.attempts, maxAttempts: m.maxAttempts };
      m.history.push(win);
    }
    for (const x of results) if (x.isErr()) expect(x.error.type).toBe('JobStatusRefused');
    expect(after).toEqual(wins.at(-1) ?? before);
    m.status = after.status;
    m.attempts = after.attempts;
  }
  toString = () => `concurrent(${this.changes.map((c) => c.status).join(',')})`;
}

describe('Job model (fc.commands)', () => {
  it('random, stale and concurrent updates never move a job backwards and end where the model allows', async () => {
    const commands = [
      changeArb.map((c) => new UpdateCommand(c)),
      fc.tuple(fc.nat({ max: 4 }), changeArb).map(([age, c]) => new StaleWriteCommand(age, c)),
      fc.array(changeArb, { minLength: 2, maxLength: 6 }).map((cs) => new ConcurrentUpdatesCommand(cs)),
    ];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.commands(commands, { maxCommands: 30 }), async (maxAttempts, cmds) => {
        const jobs = new InMemoryJobs();
        const clock = new ManualClock();
        const job = aJob({ maxAttempts, now: clock.now() });
        (await jobs.create(job))._unsafeUnwrap();
        const real: Real = {
          jobs,
          clock,
          jobId: job.jobId,
          update: new UpdateJobStatus({ jobs, clock, log: new RecordingLog(), metrics: new InMemoryMetrics() }),
        };
        const model: Model = { status: 'submitted', attempts: 0, maxAttempts, history: [job] };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        const final = await stored(real);
        expect(final.status).toBe(model.status);
        expect(final.attempts).toBeLessThanOrEqual(model.history.length);
      }),
      { numRuns: 200 },
    );
  });
});
