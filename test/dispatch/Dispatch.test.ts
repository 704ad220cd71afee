import fc from 'fast-check';
import { err } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import {
  claim,
  deferred,
  launched,
  launchKey,
  rejected,
  released,
  type Dispatch,
} from '../../domain/dispatch/Dispatch.js';
import { JOB_TRANSITIONS, type JobStatus } from '../../domain/jobs/Job.js';
import { aDispatch, at } from './builders.js';

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task/baton/0123456789abcdef';

describe('Dispatch', () => {
  it('is created submitted, version 1, holding the lease of attempt 1, with the TTL in days', () => {
    const d = aDispatch({ ttlDays: 3 });

    expect(d.job).toMatchObject({ status: 'submitted', version: 1, submittedAt: '2036-01-06T12:00:00Z' });
    expect(d.job.ttl).toBe(Date.parse('2036-01-09T12:00:00Z') / 1000);
    expect(d.launch).toEqual({ attempt: 1, settled: false, leaseUntil: '2036-01-06T12:02:00Z' });
    expect(d.target.keyPrefix).toBe(`recordings/${d.job.jobId}/`);
  });

  it('goes submitted → processing by the Job rules when the task starts, recording the ARN', () => {
    const d = launched(aDispatch(), ARN, at(5))._unsafeUnwrap();

    expect(d.job).toMatchObject({ status: 'processing', version: 2, attempts: 1, startedAt: '2036-01-06T12:00:05Z' });
    expect(d.launch).toEqual({ attempt: 1, settled: true, taskArn: ARN, launchedAt: '2036-01-06T12:00:05Z' });
  });

  it('goes submitted → failed when ECS refuses the launch for good', () => {
    const d = rejected(aDispatch(), ['MISSING (task definition)'], at(5))._unsafeUnwrap();

    expect(d.job).toMatchObject({ status: 'failed', failedAt: '2036-01-06T12:00:05Z' });
    expect(d.job.error).toEqual({ type: 'LaunchRejected', message: 'ECS refused to launch the task: MISSING (task definition)' });
    expect(d.launch.lastFailure).toEqual({ code: 'LaunchRejected', reasons: ['MISSING (task definition)'], at: '2036-01-06T12:00:05Z' });
  });

  it('stays submitted when ECS has no capacity, with the attempt settled and the lease given back', () => {
    const d = deferred(aDispatch(), ['RESOURCE:MEMORY'], at(5));

    expect(d.job).toMatchObject({ status: 'submitted', version: 2 });
    expect(d.launch).toEqual({
      attempt: 1,
      settled: true,
      lastFailure: { code: 'CapacityUnavailable', reasons: ['RESOURCE:MEMORY'], at: '2036-01-06T12:00:05Z' },
    });
  });

  it('cannot be claimed while the lease is held', () => {
    const d = aDispatch();
    expect(claim(d, at(119), 120)).toEqual(err({ type: 'LaunchInProgress', dispatch: d }));
  });

  it('is claimed with a new attempt (new ECS token) after a settled capacity failure', () => {
    const d = deferred(aDispatch(), ['RESOURCE:CPU'], at(5));

    const c = claim(d, at(6), 120)._unsafeUnwrap();

    expect(c.launch).toMatchObject({ attempt: 2, settled: false, leaseUntil: '2036-01-06T12:02:06Z' });
    expect(c.job.version).toBe(d.job.version + 1);
    expect(launchKey(c)).not.toBe(launchKey(d));
  });

  it('repeats the same attempt (same ECS token) when the outcome was lost: a crash or an unreachable ECS', () => {
    const crashed = aDispatch();
    const unreachable = released(aDispatch(), at(3));

    const afterCrash = claim(crashed, at(121), 120)._unsafeUnwrap();
    const afterOutage = claim(unreachable, at(4), 120)._unsafeUnwrap();

    expect(launchKey(afterCrash)).toBe(launchKey(crashed));
    expect(afterOutage.launch.attempt).toBe(1);
  });

  it('cannot be claimed once launched or failed', () => {
    const up = launched(aDispatch(), ARN, at(1))._unsafeUnwrap();
    const down = rejected(aDispatch(), ['MISSING'], at(1))._unsafeUnwrap();

    expect(claim(up, at(500), 120)).toEqual(err({ type: 'AlreadyLaunched', dispatch: up }));
    expect(claim(down, at(500), 120)).toEqual(err({ type: 'LaunchFailedForGood', dispatch: down }));
  });

  it('only ever takes Job transitions, and every write raises the version (property)', () => {
    type Step = 'claim' | 'launched' | 'deferred' | 'rejected' | 'released' | 'wait';
    const steps = fc.array(fc.constantFrom<Step>('claim', 'launched', 'deferred', 'rejected', 'released', 'wait'), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(steps, (plan) => {
        let d: Dispatch = aDispatch();
        let clock = 0;
        for (const step of plan) {
          clock += 1;
          const before = d;
          let next: Dispatch | undefined;
          switch (step) {
            case 'wait':
              clock += 200;
              continue;
            case 'claim':
              next = claim(d, at(clock), 120).unwrapOr(undefined);
              break;
            case 'launched':
              next = d.job.status === 'submitted' ? launched(d, ARN, at(clock)).unwrapOr(undefined) : undefined;
              break;
            case 'rejected':
              next = d.job.status === 'submitted' ? rejected(d, ['MISSING'], at(clock)).unwrapOr(undefined) : undefined;
              break;
            case 'deferred':
              next = d.job.status === 'submitted' ? deferred(d, ['AGENT'], at(clock)) : undefined;
              break;
            case 'released':
              next = d.job.status === 'submitted' ? released(d, at(clock)) : undefined;
              break;
          }
          if (next === undefined) continue;
          d = next;
          expect(d.job.version).toBe(before.job.version + 1);
          expect(d.launch.attempt).toBeGreaterThanOrEqual(before.launch.attempt);
          if (d.job.status !== before.job.status) {
            const allowed = Object.values(JOB_TRANSITIONS[before.job.status]) as JobStatus[];
            expect(allowed).toContain(d.job.status);
          }
          if (d.job.status === 'processing') expect(d.launch.taskArn).toBe(ARN);
        }
      }),
    );
  });
});
