import fc from 'fast-check';
import { err } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import {
  eventFor,
  JOB_STATUS_RANK,
  JOB_STATUSES,
  JOB_TRANSITIONS,
  processingTime,
  transition,
  type Job,
  type JobChange,
  type JobStatus,
} from '../../domain/jobs/Job.js';
import { aJob, at } from './builders.js';

/**
 * The allowed moves written out by hand, apart from the table, so a slip in either shows.
 * Key: `from>requested`; value: resulting status (retrying with attempts left, else failed).
 */
type Outcome = JobStatus | 'illegal';
const EXPECTED: Record<string, Outcome | ((attemptsLeft: boolean) => Outcome)> = {
  'submitted>processing': 'processing',
  'submitted>failed': 'failed',
  'submitted>completed': 'completed',
  'processing>processing': 'processing',
  'processing>completed': 'completed',
  'processing>failed': 'failed',
  'processing>retrying': (left) => (left ? 'retrying' : 'failed'),
  'retrying>processing': 'processing',
  'retrying>failed': 'failed',
  'retrying>completed': 'completed',
  'retrying>retrying': (left) => (left ? 'illegal' : 'failed'),
};

const statusArb = fc.constantFrom(...JOB_STATUSES);
const metadataArb = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 3 });
const errorArb = fc.record(
  { message: fc.string({ minLength: 1 }), type: fc.string(), state: fc.string() },
  { requiredKeys: ['message'] },
);
const changeArb: fc.Arbitrary<JobChange> = fc.oneof(
  fc.record({ status: fc.constant('processing' as const), metadata: metadataArb }, { requiredKeys: ['status'] }),
  fc.record(
    {
      status: fc.constant('completed' as const),
      output: fc.record(
        { s3Uri: fc.string({ minLength: 1 }), duration: fc.double({ min: 0, max: 1e5, noNaN: true }), size: fc.nat() },
        { requiredKeys: ['s3Uri'] },
      ),
    },
    { requiredKeys: ['status'] },
  ),
  fc.record({ status: fc.constant('retrying' as const), error: errorArb }, { requiredKeys: ['status'] }),
  fc.record({ status: fc.constant('failed' as const), error: errorArb }),
);

/** A job in any status with any attempt count (what the store could hold). */
const jobArb: fc.Arbitrary<Job> = fc
  .record({ status: statusArb, attempts: fc.nat({ max: 6 }), maxAttempts: fc.integer({ min: 1, max: 5 }), version: fc.integer({ min: 1, max: 50 }) })
  .map(({ status, attempts, maxAttempts, version }) => ({ ...aJob({ maxAttempts }), status, attempts, version }));

describe('Job transitions (property)', () => {
  it('follow exactly the expected moves for every status and every change', () => {
    fc.assert(
      fc.property(jobArb, changeArb, (job, change) => {
        const left = job.attempts < job.maxAttempts;
        const rule = EXPECTED[`${job.status}>${change.status}`];
        const expected = typeof rule === 'function' ? rule(left) : rule;

        const r = transition(job, change, at(60));

        if (expected === undefined || expected === 'illegal') {
          expect(r).toEqual(err({ type: 'IllegalTransition', from: job.status, event: eventFor(job, change) }));
        } else {
          expect(r._unsafeUnwrap().status).toBe(expected);
        }
      }),
    );
  });

  it('never lower the rank, always add one to the version, and stamp updatedAt', () => {
    fc.assert(
      fc.property(jobArb, changeArb, (job, change) => {
        const r = transition(job, change, at(60));
        fc.pre(r.isOk());
        const next = r._unsafeUnwrap();
        expect(JOB_STATUS_RANK[next.status]).toBeGreaterThanOrEqual(JOB_STATUS_RANK[job.status]);
        expect(next.version).toBe(job.version + 1);
        expect(next.updatedAt).toBe('2026-01-06T12:01:00Z');
        expect(next.jobId).toBe(job.jobId);
        expect(next.spec).toBe(job.spec);
      }),
    );
  });

  it('leave completed and failed jobs alone, whatever arrives', () => {
    fc.assert(
      fc.property(jobArb, changeArb, fc.constantFrom<JobStatus>('completed', 'failed'), (job, change, final) => {
        expect(transition({ ...job, status: final }, change, at(1)).isErr()).toBe(true);
      }),
    );
  });

  it('count an attempt on every start, and keep the first start time', () => {
    fc.assert(
      fc.property(jobArb, (job) => {
        fc.pre(job.status === 'submitted' || job.status === 'processing' || job.status === 'retrying');
        const once = transition(job, { status: 'processing' }, at(10))._unsafeUnwrap();
        const twice = transition(once, { status: 'processing' }, at(20))._unsafeUnwrap();
        expect(twice.attempts).toBe(job.attempts + 2);
        expect(twice.startedAt).toBe(job.startedAt ?? '2026-01-06T12:00:10Z');
      }),
    );
  });

  it('merge metadata, later keys winning', () => {
    fc.assert(
      fc.property(metadataArb, metadataArb, (a, b) => {
        const job = { ...aJob(), metadata: a };
        const next = transition(job, { status: 'processing', metadata: b }, at(1))._unsafeUnwrap();
        expect(next.metadata).toEqual({ ...a, ...b });
      }),
    );
  });

  it('derive processingTime from first start to the end, null while running', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (wait, work) => {
        const started = transition(aJob(), { status: 'processing' }, at(wait))._unsafeUnwrap();
        expect(processingTime(started)).toBeNull();
        const done = transition(started, { status: 'completed' }, at(wait + work))._unsafeUnwrap();
        expect(processingTime(done)).toBe(work);
      }),
    );
  });

  it('has a table whose every target is a known status', () => {
    for (const from of JOB_STATUSES) {
      for (const to of Object.values(JOB_TRANSITIONS[from])) expect(JOB_STATUSES).toContain(to);
    }
  });
});
