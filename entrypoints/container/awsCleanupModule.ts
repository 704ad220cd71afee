import { ContainerModule } from 'inversify';
import { S3RunArtifacts } from '../../adapters/s3/S3RunArtifacts.js';
import { s3Client } from '../aws/s3Client.js';
import { Cleanup } from './cleanupModule.js';

/** The run artifacts in an S3 bucket (`ARTIFACTS_BUCKET`). */
export function awsCleanupModule(config: { readonly artifactsBucket: string }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Cleanup.RunArtifacts).toResolvedValue(() => new S3RunArtifacts(s3Client(), config.artifactsBucket));
  });
}
