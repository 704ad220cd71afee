import { ContainerModule } from 'inversify';
import { LambdaPresignedUrls } from '../../adapters/lambda/LambdaPresignedUrls.js';
import { S3PresignedUrls } from '../../adapters/s3/S3PresignedUrls.js';
import { lambdaClient } from '../aws/lambdaClient.js';
import { s3Client } from '../aws/s3Client.js';
import { runPodClient, type RunPodAccess } from './awsGpuJobsModule.js';
import { Callbacks } from './callbacksModule.js';

export interface AwsRunPodConfig extends RunPodAccess {
  /** With it, presign through that function; without it, presign directly with S3. */
  readonly presignLambdaArn?: string | undefined;
}

/** RunPod over HTTP, and presigned URLs from the presign function or from S3. */
export function awsRunPodModule(config: AwsRunPodConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const { presignLambdaArn } = config;
    bind(Callbacks.GpuJobs).toResolvedValue(() => runPodClient(config));
    bind(Callbacks.PresignedUrls).toResolvedValue(() =>
      presignLambdaArn ? new LambdaPresignedUrls(lambdaClient(), presignLambdaArn) : new S3PresignedUrls(s3Client()),
    );
  });
}
