import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abandon,
  accept,
  CALLBACK_TRANSITIONS,
  classifyRepeat,
  FINAL_STATUSES,
  newCallbackMapping,
  resumed,
  resumeRefused,
  tokenGone,
  type CallbackEvent,
  type CallbackMapping,
  type CallbackStatus,
} from '../../domain/callbacks/CallbackMapping.js';
import { failureOutcome, successOutcome } from '../../domain/callbacks/CallbackOutcome.js';
import { MAX_CAUSE_CHARS, MAX_ERROR_CHARS, MAX_OUTPUT_BYTES, utf8Length } from '../../domain/callbacks/stepFunctionsLimits.js';
import { nextStatus } from '../../domain/shared/transitions.js';
import { aFailure, aMapping, aSuccess, T0 } from './builders.js';

const STATUSES = Object.keys(CALLBACK_TRANSITIONS) as CallbackStatus[];
const EVENTS: CallbackEvent[] = ['accept', 'abandon', 'resumeSucceeded', 'resumeFailed', 'tokenGone', 'resumeRefused'];
const status = fc.constantFrom(...STATUSES);
const event = fc.constantFrom(...EVENTS);
const outcome = fc.oneof(
  fc.jsonValue().map((output) => successOutcome({ output })),
  fc.tuple(fc.string(), fc.string()).map(([e, c]) => failureOutcome(e, c)),
);

function apply(m: CallbackMapping, e: CallbackEvent, now: Date) {
  switch (e) {
    case 'accept':
      return accept(m, aSuccess(), now);
    case 'resumeSucceeded':
    case 'resumeFailed':
      return resumed(m, now);
    case 'tokenGone':
      return tokenGone(m, 'TaskTimedOut', now);
    case 'abandon':
      return abandon(m, 'TaskTimedOut', now);
    case 'resumeRefused':
      return resumeRefused(m, 'AccessDeniedException: not authorized', now);
  }
}

describe('CallbackMapping transitions', () => {
  it('final statuses have no way out, and only PENDING can be accepted', () => {
    fc.assert(
      fc.property(status, event, (from, e) => {
        const to = nextStatus(CALLBACK_TRANSITIONS, from, e);
        if (FINAL_STATUSES.includes(from)) expect(typeof to).toBe('object');
        if (e === 'accept') expect(to === 'ACCEPTED').toBe(from === 'PENDING');
      }),
    );
  });

  it('every transition function agrees with the table', () => {
    fc.assert(
      fc.property(status, fc.constantFrom<CallbackEvent>('accept', 'tokenGone', 'abandon', 'resumeRefused'), (from, e) => {
        const result = apply({ ...aMapping(), status: from }, e, T0);
        const to = nextStatus(CALLBACK_TRANSITIONS, from, e);
        expect(result.isOk()).toBe(typeof to === 'string');
        if (result.isOk()) expect(result.value.status).toBe(to);
      }),
    );
  });

  it('a resume ends in COMPLETED for a success outcome and FAILED for a failure', () => {
    fc.assert(
      fc.property(outcome, (o) => {
        const accepted = accept(aMapping(), o, T0)._unsafeUnwrap();
        const final = resumed(accepted, T0)._unsafeUnwrap();
        expect(final.status).toBe(o.kind === 'success' ? 'COMPLETED' : 'FAILED');
        expect(final.outcome).toEqual(o);
      }),
    );
  });

  it('a repeat report tells finished, in progress or gone for every status past PENDING', () => {
    expect(STATUSES.filter((s) => s !== 'PENDING').map((s) => [s, classifyRepeat(s as Exclude<CallbackStatus, 'PENDING'>)])).toEqual([
      ['ACCEPTED', 'inProgress'],
      ['COMPLETED', 'finished'],
      ['FAILED', 'finished'],
      ['EXPIRED', 'gone'],
      ['ABANDONED', 'gone'],
      ['REFUSED', 'inProgress'],
    ]);
  });

  it('only a PENDING mapping can be abandoned, and only an ACCEPTED one refused', () => {
    for (const from of STATUSES) {
      expect(abandon({ ...aMapping(), status: from }, 'TaskTimedOut', T0).isOk()).toBe(from === 'PENDING');
      expect(resumeRefused({ ...aMapping(), status: from }, 'AccessDenied', T0).isOk()).toBe(from === 'ACCEPTED');
    }
    expect(abandon(aMapping(), 'TaskTimedOut', T0)._unsafeUnwrap()).toMatchObject({ status: 'ABANDONED', goneReason: 'TaskTimedOut' });
  });

  it('a new mapping is PENDING and expires in exactly 7 days (ttl in epoch seconds)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (now) => {
        const m = newCallbackMapping({ callbackToken: 'a'.repeat(64), taskToken: 't', channel: 'runpod', now });
        expect(m.status).toBe('PENDING');
        expect(m.ttl - Math.floor(now.getTime() / 1000)).toBe(7 * 86_400);
        expect(Date.parse(m.expiresAt) - Date.parse(m.createdAt)).toBe(7 * 86_400_000);
      }),
    );
  });
});

describe('CallbackOutcome fits Step Functions', () => {
  it('success output is valid JSON of at most 256 KiB, whatever the payload', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string({ minLength: 200_000, maxLength: 300_000 })), (payload) => {
        const o = successOutcome({ job_id: 'j', output: payload });
        if (o.kind !== 'success') throw new Error('expected success');
        expect(utf8Length(o.output)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
        expect(() => JSON.parse(o.output)).not.toThrow();
      }),
      { numRuns: 30 },
    );
  });

  it('replaces an oversize output with a marker and its size, keeping the other fields', () => {
    const big = 'x'.repeat(300_000);
    const o = successOutcome({ job_id: 'job-1', status: 'COMPLETED', output: big });

    expect(o.kind === 'success' && JSON.parse(o.output)).toEqual({
      job_id: 'job-1',
      status: 'COMPLETED',
      output: null,
      output_truncated: true,
      output_bytes: utf8Length(JSON.stringify({ job_id: 'job-1', status: 'COMPLETED', output: big })),
    });
  });

  it('failure error and cause are clamped to 256 and 32,768 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 1000 }), fc.string({ maxLength: 40_000 }), (e, c) => {
        const o = failureOutcome(e, c);
        if (o.kind !== 'failure') throw new Error('expected failure');
        expect(o.error.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
        expect(o.cause.length).toBeLessThanOrEqual(MAX_CAUSE_CHARS);
        if (e.length <= MAX_ERROR_CHARS) expect(o.error).toBe(e);
      }),
      { numRuns: 50 },
    );
  });

  it('keeps aFailure as given', () => {
    expect(aFailure()).toEqual({ kind: 'failure', error: 'FAILED', cause: 'Out of memory' });
  });
});
