import fc from 'fast-check';
import { err } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { transition, type JobChange } from '../../domain/jobs/Job.js';
import { aJob, at, complete, moved, start } from './builders.js';

// Found by the simulation (then `--sabotage unordered-status-queue`, before issue 11): on a standard
// queue a duplicated `retrying` of attempt 1 arrived after attempt 2 had started, put the job
// back into `retrying`, and attempt 2's `completed` was then refused: the job never finished.
describe('reports that name their attempt', () => {
  it('refuse a late report of an earlier attempt, so the current attempt can still finish', () => {
    const secondAttempt = moved(aJob(), start, { status: 'retrying', attempt: 1 }, start);

    const late = transition(secondAttempt, { status: 'retrying', attempt: 1 }, at(10));
    const done = transition(secondAttempt, { ...complete, attempt: 2 } as JobChange, at(11));

    expect(late).toEqual(err({ type: 'StaleAttempt', attempt: 1, current: 2 }));
    expect(done._unsafeUnwrap().status).toBe('completed');
  });

  it('judge a report without an attempt on status alone, as before', () => {
    const secondAttempt = moved(aJob(), start, { status: 'retrying' }, start);

    expect(transition(secondAttempt, { status: 'retrying' }, at(10))._unsafeUnwrap().status).toBe('retrying');
  });

  it('never refuse a report of the current attempt for being stale', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), (starts) => {
        let job = moved(aJob({ maxAttempts: 10 }), start);
        for (let i = 1; i < starts; i += 1) job = moved(job, { status: 'retrying', attempt: i }, start);
        const current = transition(job, { status: 'failed', error: { message: 'x' }, attempt: job.attempts }, at(99));
        expect(current.isOk()).toBe(true);
        if (job.attempts > 1) {
          const older = transition(job, { status: 'failed', error: { message: 'x' }, attempt: job.attempts - 1 }, at(99));
          expect(older).toEqual(err({ type: 'StaleAttempt', attempt: job.attempts - 1, current: job.attempts }));
        }
      }),
    );
  });
});
