import { err, ok, type Result } from 'neverthrow';
import { addDays, epochSeconds, isoSeconds } from '../shared/time.js';
import { isIllegal, nextStatus, type IllegalTransition, type TransitionTable } from '../shared/transitions.js';
import type { CallbackOutcome } from './CallbackOutcome.js';

/**
 * PENDING   stored before the work is submitted; waiting for the work to report.
 * ACCEPTED  the outcome is stored durably (the claim); Step Functions not yet resumed.
 * COMPLETED / FAILED  Step Functions resumed with success / failure. Final.
 * EXPIRED   Step Functions refused the token (timed out, invalid, gone). Final.
 * ABANDONED the task was found gone while the work still ran (reconciler, execution stopped):
 *           the work was cancelled / its instance stopped; no outcome will be taken. Final.
 * REFUSED   Step Functions refused the resume for a reason retrying cannot fix (AccessDenied,
 *           validation): the outcome stays stored with the refusal, out of the redrive. Final
 *           until an operator fixes the cause and puts it back (see ARCHITECTURE.md).
 */
export type CallbackStatus = 'PENDING' | 'ACCEPTED' | 'COMPLETED' | 'FAILED' | 'EXPIRED' | 'ABANDONED' | 'REFUSED';
export type CallbackEvent = 'accept' | 'abandon' | 'resumeSucceeded' | 'resumeFailed' | 'tokenGone' | 'resumeRefused';

/**
 * The whole status machine. `resumeSucceeded` / `resumeFailed` name which SendTask call
 * went through (success or failure outcome), not whether the call worked.
 */
export const CALLBACK_TRANSITIONS: TransitionTable<CallbackStatus, CallbackEvent> = {
  PENDING: { accept: 'ACCEPTED', abandon: 'ABANDONED' },
  ACCEPTED: { resumeSucceeded: 'COMPLETED', resumeFailed: 'FAILED', tokenGone: 'EXPIRED', resumeRefused: 'REFUSED' },
  COMPLETED: {},
  FAILED: {},
  EXPIRED: {},
  ABANDONED: {},
  REFUSED: {},
};

export const FINAL_STATUSES: readonly CallbackStatus[] = ['COMPLETED', 'FAILED', 'EXPIRED', 'ABANDONED', 'REFUSED'];

export const CALLBACK_TTL_DAYS = 7;

/**
 * Who may report the outcome: RunPod through the public webhook, or a Spot worker with its
 * instance role. A worker's callback token travels in user-data (readable by anyone with
 * `ec2:DescribeInstanceAttribute`), so the public webhook must not accept it.
 */
export type CallbackChannel = 'runpod' | 'worker';

/** The mapping from a callback token (given to the work) to a Step Functions task token (kept here). */
export interface CallbackMapping {
  readonly callbackToken: string;
  readonly taskToken: string;
  /** The provider's job id (RunPod) or the pipeline's job id (EC2 workers); unknown until submitted. */
  readonly jobId?: string;
  readonly execId?: string;
  readonly segmentFilename?: string;
  /** Absent on items written by other tools (seed 001's `aws dynamodb put-item`): any channel may report. */
  readonly channel?: CallbackChannel;
  readonly status: CallbackStatus;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Epoch seconds; DynamoDB TTL deletes the item after this. */
  readonly ttl: number;
  readonly acceptedAt?: string;
  readonly completedAt?: string;
  readonly outcome?: CallbackOutcome;
  /** Why the token was refused, when EXPIRED; why the work was given up, when ABANDONED. */
  readonly goneReason?: string;
  /** Step Functions' permanent refusal (`AccessDeniedException: …`), when REFUSED. */
  readonly refusal?: string;
  /**
   * The Step Functions execution waiting on this mapping (`$$.Execution.Id`), when the task
   * input named it: how an execution's end finds the work to stop.
   */
  readonly executionArn?: string;
  /** The EC2 instance running a worker mapping's job, once launched. */
  readonly instanceId?: string;
  /**
   * When a resume of this ACCEPTED mapping ended with every attempt unanswered (no answer, or a
   * 5xx): it may have reached Step Functions. A later resume that finds the token closed is then
   * taken as resumed, not EXPIRED (see ResumeCallback).
   */
  readonly resumeUnansweredAt?: string;
}

export interface NewCallbackMapping {
  readonly callbackToken: string;
  readonly taskToken: string;
  readonly channel: CallbackChannel;
  readonly jobId?: string;
  readonly execId?: string;
  readonly segmentFilename?: string;
  readonly executionArn?: string;
  readonly now: Date;
}

export function newCallbackMapping(input: NewCallbackMapping): CallbackMapping {
  const expires = addDays(input.now, CALLBACK_TTL_DAYS);
  return {
    callbackToken: input.callbackToken,
    taskToken: input.taskToken,
    ...(input.jobId === undefined ? {} : { jobId: input.jobId }),
    ...(input.execId === undefined ? {} : { execId: input.execId }),
    ...(input.segmentFilename === undefined ? {} : { segmentFilename: input.segmentFilename }),
    ...(input.executionArn === undefined ? {} : { executionArn: input.executionArn }),
    channel: input.channel,
    status: 'PENDING',
    createdAt: isoSeconds(input.now),
    expiresAt: isoSeconds(expires),
    ttl: epochSeconds(expires),
  };
}

/** Whether a report arriving through `channel` may claim this mapping. */
export function reportableThrough(mapping: CallbackMapping, channel: CallbackChannel): boolean {
  return mapping.channel === undefined || mapping.channel === channel;
}

export type CallbackTransitionError = IllegalTransition<CallbackStatus, CallbackEvent>;

function move(
  mapping: CallbackMapping,
  event: CallbackEvent,
  changes: Partial<CallbackMapping>,
): Result<CallbackMapping, CallbackTransitionError> {
  const to = nextStatus(CALLBACK_TRANSITIONS, mapping.status, event);
  if (isIllegal(to)) return err(to);
  return ok({ ...mapping, ...changes, status: to });
}

/** The claim: the outcome is stored and this delivery alone will resume the workflow. */
export function accept(
  mapping: CallbackMapping,
  outcome: CallbackOutcome,
  now: Date,
): Result<CallbackMapping, CallbackTransitionError> {
  return move(mapping, 'accept', { outcome, acceptedAt: isoSeconds(now) });
}

/** Step Functions took the stored outcome. */
export function resumed(mapping: CallbackMapping, now: Date): Result<CallbackMapping, CallbackTransitionError> {
  const event: CallbackEvent = mapping.outcome?.kind === 'failure' ? 'resumeFailed' : 'resumeSucceeded';
  return move(mapping, event, { completedAt: isoSeconds(now) });
}

/** Step Functions refused the task token for good. */
export function tokenGone(
  mapping: CallbackMapping,
  reason: string,
  now: Date,
): Result<CallbackMapping, CallbackTransitionError> {
  return move(mapping, 'tokenGone', { completedAt: isoSeconds(now), goneReason: reason });
}

/**
 * The work is given up before it reported: its task is gone (the reconciler saw it) or its
 * execution ended. Conditioned on PENDING, so it races a late report and exactly one wins.
 */
export function abandon(mapping: CallbackMapping, reason: string, now: Date): Result<CallbackMapping, CallbackTransitionError> {
  return move(mapping, 'abandon', { completedAt: isoSeconds(now), goneReason: reason });
}

/** Step Functions refused the resume for good (not the token: our permissions or request). */
export function resumeRefused(mapping: CallbackMapping, refusal: string, now: Date): Result<CallbackMapping, CallbackTransitionError> {
  return move(mapping, 'resumeRefused', { completedAt: isoSeconds(now), refusal });
}

/**
 * What a repeated report about a mapping that is no longer PENDING means to the reporter.
 * finished: the workflow was resumed (200). inProgress: the outcome is stored and will be
 * resumed (202). gone: the workflow cannot be resumed any more (410).
 */
export type RepeatedReport = 'finished' | 'inProgress' | 'gone';

export function classifyRepeat(status: Exclude<CallbackStatus, 'PENDING'>): RepeatedReport {
  switch (status) {
    case 'ACCEPTED':
    // The outcome is held; an operator resumes it once the refusal is fixed. The reporter has
    // nothing better to do than stop retrying.
    case 'REFUSED':
      return 'inProgress';
    case 'COMPLETED':
    case 'FAILED':
      return 'finished';
    case 'EXPIRED':
    case 'ABANDONED':
      return 'gone';
  }
}
