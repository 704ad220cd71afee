import { err, ok, type Result } from 'neverthrow';
import { keyPrefixFor, type DispatchTarget } from '../../domain/dispatch/Dispatch.js';
import type { JobSource } from '../../domain/dispatch/JobSource.js';
import type { TorrentsNotConfigured } from './dispatchAnswer.js';
import type { DispatchSettings } from './DispatchSettings.js';

/**
 * Where a job runs: streams on the recorder task, torrents and magnets on the Transmission
 * task (refused when none is configured); its output under `recordings/{job_id}/`.
 *
 * @example
 * dispatchTarget(source, 'job-1', settings); // ok({ taskDefinition: 'recorder:7', containerName: 'recorder', bucket, keyPrefix: 'recordings/job-1/' })
 */
export function dispatchTarget(source: JobSource, jobId: string, settings: DispatchSettings): Result<DispatchTarget, TorrentsNotConfigured> {
  const { bucket } = settings;
  const keyPrefix = keyPrefixFor(jobId);
  if (source.kind === 'stream') {
    return ok({ taskDefinition: settings.taskDefinition, containerName: settings.containerName, bucket, keyPrefix });
  }
  if (settings.transmissionTaskDefinition === undefined) return err({ type: 'TorrentsNotConfigured', source });
  return ok({
    taskDefinition: settings.transmissionTaskDefinition,
    containerName: settings.transmissionContainerName ?? settings.containerName,
    bucket,
    keyPrefix,
  });
}
