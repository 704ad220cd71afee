import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import type { DispatchSettings } from '../../application/dispatch/DispatchSettings.js';
import { launchAnswer } from '../../application/dispatch/dispatchAnswer.js';
import { dispatchTarget } from '../../application/dispatch/dispatchTarget.js';
import { launched } from '../../domain/dispatch/Dispatch.js';
import { parseJobSource } from '../../domain/dispatch/JobSource.js';
import { aDispatch, at, MAGNET_URL, STREAM_URL } from './builders.js';

const SETTINGS: DispatchSettings = {
  taskDefinition: 'recorder:3',
  containerName: 'recorder',
  bucket: 'recordings-bucket',
  ttlDays: 7,
  leaseSeconds: 120,
};
const stream = parseJobSource(STREAM_URL)._unsafeUnwrap();
const magnet = parseJobSource(MAGNET_URL)._unsafeUnwrap();

describe('dispatchTarget', () => {
  it('runs a stream on the recorder task, its output under recordings/{job_id}/', () => {
    expect(dispatchTarget(stream, 'job-1', SETTINGS)).toEqual(
      ok({ taskDefinition: 'recorder:3', containerName: 'recorder', bucket: 'recordings-bucket', keyPrefix: 'recordings/job-1/' }),
    );
  });

  it('runs a torrent on the Transmission task, in the recorder container unless one is named', () => {
    const withTransmission = { ...SETTINGS, transmissionTaskDefinition: 'transmission:1' };

    expect(dispatchTarget(magnet, 'job-2', withTransmission).map((t) => [t.taskDefinition, t.containerName])).toEqual(ok(['transmission:1', 'recorder']));
    expect(dispatchTarget(magnet, 'job-2', { ...withTransmission, transmissionContainerName: 'transmission' }).map((t) => t.containerName)).toEqual(
      ok('transmission'),
    );
  });

  it('refuses a torrent when no Transmission task is configured', () => {
    expect(dispatchTarget(magnet, 'job-3', SETTINGS)).toEqual(err({ type: 'TorrentsNotConfigured', source: magnet }));
  });
});

describe('launchAnswer', () => {
  const ARN = 'arn:aws:ecs:us-east-1:123456789012:task/baton/1';

  it('is Launched when the record names this task', () => {
    const stored = launched(aDispatch(), ARN, at(1))._unsafeUnwrap();

    expect(launchAnswer(stored, ARN)).toEqual(ok({ type: 'Launched', dispatch: stored }));
  });

  it('is AlreadyLaunched when another task runs the job', () => {
    const stored = launched(aDispatch(), `${ARN}0`, at(1))._unsafeUnwrap();

    expect(launchAnswer(stored, ARN)).toEqual(ok({ type: 'AlreadyLaunched', dispatch: stored }));
  });

  it('is LaunchInProgress while a newer attempt is still in doubt', () => {
    const stored = aDispatch();

    expect(launchAnswer(stored, ARN)).toEqual(err({ type: 'LaunchInProgress', dispatch: stored }));
  });
});
