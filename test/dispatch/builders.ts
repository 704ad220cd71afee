import { randomUUID } from 'node:crypto';
import { keyPrefixFor, newDispatch, type Dispatch, type NewDispatch } from '../../domain/dispatch/Dispatch.js';
import { parseJobSource } from '../../domain/dispatch/JobSource.js';

/** Far ahead of the wall clock: DynamoDB Local's TTL sweeper deletes items whose `ttl` has passed. */
export const T0 = new Date('2036-01-06T12:00:00Z');

export function at(secondsAfterT0: number): Date {
  return new Date(T0.getTime() + secondsAfterT0 * 1000);
}

export const STREAM_URL = 'https://example.com/stream';
export const MAGNET_URL = 'magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=talk';

export function aJobId(): string {
  return `job-${randomUUID()}`;
}

/** A freshly created dispatch of a stream (holding its first lease); override what the test cares about. */
export function aDispatch(overrides: Partial<NewDispatch> = {}): Dispatch {
  const jobId = overrides.jobId ?? aJobId();
  const url = overrides.source?.url ?? STREAM_URL;
  return newDispatch({
    jobId,
    source: parseJobSource(url)._unsafeUnwrap(),
    target: {
      taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/recorder:3',
      containerName: 'recorder',
      bucket: 'recordings-bucket',
      keyPrefix: keyPrefixFor(jobId),
    },
    spec: { url },
    ttlDays: 7,
    leaseSeconds: 120,
    now: T0,
    ...overrides,
  });
}
