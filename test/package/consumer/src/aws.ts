// baton/aws: real adapters on the consumer's own SDK client, or on one built as Baton's Lambdas build theirs.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDbJobs, S3OutputUrls, sfnClient, StepFunctionsTaskTokens } from 'baton/aws';

export async function main(): Promise<{ url: string; adapters: string[] }> {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' };
  // A presigned GET is signed locally: no network call.
  const outputs = new S3OutputUrls(new S3Client({ region: 'eu-west-1', credentials }), 'video-outputs');
  const url = await outputs.presign('s3://video-outputs/out/video.mp4', 3_600);
  const jobs = new DynamoDbJobs(new DynamoDBClient({ region: 'eu-west-1', credentials }), 'jobs');
  const taskTokens = new StepFunctionsTaskTokens(sfnClient());

  return { url: new URL(url ?? 'invalid:').pathname, adapters: [jobs, taskTokens].map((a) => a.constructor.name) };
}
