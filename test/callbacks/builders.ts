import { randomBytes } from 'node:crypto';
import { newCallbackMapping, type CallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import { failureOutcome, successOutcome, type CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';

/**
 * In the future on purpose: DynamoDB Local's TTL sweeper deletes items whose `ttl` has passed,
 * so a mapping created "in 2026-01" would vanish from the contract suite at random.
 */
export const T0 = new Date('2036-01-06T12:00:00Z');

export function aCallbackToken(): string {
  return randomBytes(32).toString('hex');
}

/** A PENDING mapping with fresh tokens; override what the test cares about. */
export function aMapping(overrides: Partial<Parameters<typeof newCallbackMapping>[0]> = {}): CallbackMapping {
  return newCallbackMapping({
    callbackToken: aCallbackToken(),
    taskToken: `AQCEAAAAKgAAAA-${randomBytes(24).toString('base64url')}`,
    execId: 'execution-123',
    segmentFilename: 'seg_0001.mp4',
    channel: 'runpod',
    now: T0,
    ...overrides,
  });
}

export const aSuccess = (output: unknown = { message: 'Video upscaled successfully' }): CallbackOutcome =>
  successOutcome({ job_id: 'runpod-job-123', status: 'COMPLETED', output });

export const aFailure = (): CallbackOutcome => failureOutcome('FAILED', 'Out of memory');

export function at(secondsAfterT0: number): Date {
  return new Date(T0.getTime() + secondsAfterT0 * 1000);
}
