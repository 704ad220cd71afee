import { ContainerModule } from 'inversify';
import { RunPodClient } from '../../adapters/runpod/RunPodClient.js';
import { secretApiKey } from '../../adapters/runpod/secretApiKey.js';
import { secretsManagerClient } from '../aws/secretsManagerClient.js';
import { Callbacks } from './callbacksModule.js';

export interface RunPodAccess {
  /** The `/run` URL; `/status/{id}` and `/cancel/{id}` are its siblings. */
  readonly endpointUrl: string;
  /** Exactly one of the key itself and a Secrets Manager secret id. */
  readonly apiKey?: string | undefined;
  readonly apiKeySecretId?: string | undefined;
}

/** The RunPod client, its key given or read (and cached) from Secrets Manager. */
export function runPodClient(access: RunPodAccess): RunPodClient {
  const { apiKey, apiKeySecretId } = access;
  return new RunPodClient({
    endpointUrl: access.endpointUrl,
    apiKey: apiKey !== undefined ? async () => apiKey : secretApiKey(apiKeySecretId!, 300, secretsManagerClient()),
  });
}

/** RunPod over HTTP alone: for handlers that never presign (the reconciler). */
export function awsGpuJobsModule(access: RunPodAccess): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Callbacks.GpuJobs).toResolvedValue(() => runPodClient(access));
  });
}
