import { ContainerModule } from 'inversify';
import { LambdaPresignedUrls } from '../../adapters/lambda/LambdaPresignedUrls.js';
import { RunPodClient } from '../../adapters/runpod/RunPodClient.js';
import { secretApiKey } from '../../adapters/runpod/secretApiKey.js';
import { S3PresignedUrls } from '../../adapters/s3/S3PresignedUrls.js';
import { lambdaClient } from '../aws/lambdaClient.js';
import { s3Client } from '../aws/s3Client.js';
import { Callbacks } from './callbacksModule.js';

export interface AwsRunPodConfig {
  readonly endpointUrl: string;
  /** Exactly one of the key itself and a Secrets Manager secret id. */
  readonly apiKey?: string | undefined;
  readonly apiKeySecretId?: string | undefined;
  /** With it, presign through that function; without it, presign directly with S3. */
  readonly presignLambdaArn?: string | undefined;
}

/** RunPod over HTTP, and presigned URLs from the presign function or from S3. */
export function awsRunPodModule(config: AwsRunPodConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const { apiKey, apiKeySecretId, presignLambdaArn } = config;
    bind(Callbacks.GpuJobs).toResolvedValue(
      () =>
        new RunPodClient({
          endpointUrl: config.endpointUrl,
          apiKey: apiKey !== undefined ? async () => apiKey : secretApiKey(apiKeySecretId!),
        }),
    );
    bind(Callbacks.PresignedUrls).toResolvedValue(() =>
      presignLambdaArn ? new LambdaPresignedUrls(lambdaClient(), presignLambdaArn) : new S3PresignedUrls(s3Client()),
    );
  });
}
