import { describe, expect, it, vi } from 'vitest';
import { SweepUnqueuedJobs } from '../../application/jobs/SweepUnqueuedJobs.js';
import { aJob, aSpec } from './builders.js';
import { jobsWorld } from './world.js';

function sweeper(w: ReturnType<typeof jobsWorld>) {
  return new SweepUnqueuedJobs(
    { jobs: w.jobs, queue: w.queue, clock: w.clock, log: w.log, metrics: w.metrics },
    { afterSeconds: 120, giveUpAfterSeconds: 3_600, limit: 100 },
  );
}

/** A job recorded by submit-job whose function died before the send. */
async function crashedSubmit(w: ReturnType<typeof jobsWorld>) {
  const job = aJob({ now: w.clock.now() });
  (await w.jobs.create(job, { idempotencyKey: `key-${job.jobId}` }))._unsafeUnwrap();
  return job;
}

describe('SweepUnqueuedJobs (the job-sweeper)', () => {
  it('sends a job the function recorded but never queued, once, after the submit is surely over', async () => {
    const w = jobsWorld();
    const job = await crashedSubmit(w);

    const early = await sweeper(w).execute();
    w.clock.advanceSeconds(121);
    const swept = await sweeper(w).execute();
    const again = await sweeper(w).execute();

    expect(early.found).toBe(0);
    expect(swept).toEqual({ found: 1, resent: 1, failed: 0, movedOn: 0, left: 0 });
    expect(again.found).toBe(0);
    expect(w.queue.messages.map((m) => m.jobId)).toEqual([job.jobId]);
  });

  it('never sends again a job submit-job queued', async () => {
    const w = jobsWorld();
    (await w.submit.execute({ spec: aSpec() }))._unsafeUnwrap();
    w.clock.advanceSeconds(3_600);

    const swept = await sweeper(w).execute();

    expect(swept.found).toBe(0);
    expect(w.queue.messages).toHaveLength(1);
  });

  it('keeps trying while the queue refuses, then marks the job failed after giveUpAfterSeconds', async () => {
    const w = jobsWorld();
    const job = await crashedSubmit(w);
    w.clock.advanceSeconds(121);
    w.queue.failNext(1);

    const refused = await sweeper(w).execute();
    w.clock.advanceSeconds(3_600);
    w.queue.failNext(1);
    const gaveUp = await sweeper(w).execute();

    expect(refused).toMatchObject({ found: 1, left: 1 });
    expect(gaveUp).toMatchObject({ found: 1, failed: 1 });
    expect((await w.jobs.get(job.jobId))).toMatchObject({ status: 'failed', error: { type: 'JobQueueUnavailable' } });
    expect((await sweeper(w).execute()).found).toBe(0);
  });

  it('only tidies a job that moved on meanwhile (a processor or a replayed submit got there)', async () => {
    const w = jobsWorld();
    const job = await crashedSubmit(w);
    (await w.jobs.update(job, { ...job, status: 'processing', version: job.version + 1 }))._unsafeUnwrap();
    // The update already took it out; a lagging index would still list it: read, then act.
    w.clock.advanceSeconds(121);

    const swept = await sweeper(w).execute();

    expect(swept.found).toBe(0);
    expect(w.queue.messages).toHaveLength(0);
  });

  it('reads a job before it acts: one a lagging index still lists after it moved on is only taken out', async () => {
    const w = jobsWorld();
    const job = await crashedSubmit(w);
    (await w.jobs.update(job, { ...job, status: 'processing', version: job.version + 1 }))._unsafeUnwrap();
    w.clock.advanceSeconds(121);
    vi.spyOn(w.jobs, 'unqueuedBefore').mockResolvedValueOnce([job.jobId]);
    const markQueued = vi.spyOn(w.jobs, 'markQueued');

    const swept = await sweeper(w).execute();

    expect(swept).toEqual({ found: 1, resent: 0, failed: 0, movedOn: 1, left: 0 });
    expect(w.queue.messages).toHaveLength(0);
    expect(markQueued).toHaveBeenCalledWith(job.jobId);
  });

  it('does not fail a refused job a processor takes as the sweeper gives up: the lost write counts as moved on', async () => {
    const w = jobsWorld();
    const job = await crashedSubmit(w);
    w.clock.advanceSeconds(3_700);
    w.queue.failNext(1);
    const update = w.jobs.update.bind(w.jobs);
    vi.spyOn(w.jobs, 'update').mockImplementationOnce((previous, next) =>
      // A processor takes the job between the sweeper's read and its write.
      update(previous, { ...previous, status: 'processing', version: previous.version + 1 }).andThen(() => update(previous, next)),
    );

    const swept = await sweeper(w).execute();

    expect(swept).toEqual({ found: 1, resent: 0, failed: 0, movedOn: 1, left: 0 });
    expect(await w.jobs.get(job.jobId)).toMatchObject({ status: 'processing' });
    expect((await sweeper(w).execute()).found).toBe(0);
  });

  it('stops starting jobs once told to, leaving them for the next run', async () => {
    const w = jobsWorld();
    await crashedSubmit(w);
    await crashedSubmit(w);
    w.clock.advanceSeconds(121);

    const swept = await sweeper(w).execute({ shouldStop: () => true });

    expect(swept).toEqual({ found: 2, resent: 0, failed: 0, movedOn: 0, left: 2 });
    expect(w.queue.messages).toHaveLength(0);
  });
});
