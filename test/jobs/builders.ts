import { randomUUID } from 'node:crypto';
import { newJob, transition, type Job, type JobChange, type NewJob } from '../../domain/jobs/Job.js';

const T0 = new Date('2026-01-06T12:00:00Z');

export function at(secondsAfterT0: number): Date {
  return new Date(T0.getTime() + secondsAfterT0 * 1000);
}

/** A video job spec in the shape of seed 002's project (auto-vid). */
export function aSpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jobInfo: { projectId: 'example', title: 'Ranking shorts' },
    assets: { video: { id: 'main', source: 's3://in/short.mp4' } },
    timeline: [{ start: 0.5, type: 'audio', data: { assetId: 'whoosh', volume: 0.5 } }],
    output: { filename: 'video.mp4' },
    ...overrides,
  };
}

/** A submitted job with a fresh id; override what the test cares about. */
export function aJob(overrides: Partial<NewJob> = {}): Job {
  return newJob({
    jobId: randomUUID(),
    spec: aSpec(),
    metadata: { projectId: 'example', outputFilename: 'video.mp4' },
    now: T0,
    ...overrides,
  });
}

/** Applies changes in order, one second apart; throws if any is illegal (a broken test). */
export function moved(job: Job, ...changes: JobChange[]): Job {
  return changes.reduce((j, change, i) => transition(j, change, at(i + 1))._unsafeUnwrap(), job);
}

export const start: JobChange = { status: 'processing' };
export const complete: JobChange = {
  status: 'completed',
  output: { s3Uri: 's3://bucket/outputs/video.mp4', duration: 12.5, size: 1_048_576 },
};
export const retry: JobChange = { status: 'retrying', error: { message: 'Throttled', type: 'Transient' } };
export const fail: JobChange = { status: 'failed', error: { message: 'Bad asset', type: 'InvalidAsset' } };
