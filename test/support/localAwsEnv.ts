import { inject } from 'vitest';
import { LOCAL_AWS } from './dynamoDbLocal.js';

type Service = 'SFN' | 'SQS' | 'SNS' | 'ECS' | 'EC2' | 'S3' | 'LAMBDA' | 'SECRETS_MANAGER';

/**
 * Points every AWS client a bundle creates at local engines, through the SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>` variables: DynamoDB at the suite's DynamoDB Local, the others
 * at the servers given. Then sets the handler's own variables. Call before `loadBundle`.
 */
export function useLocalAws(endpoints: Partial<Record<Service, string>>, handlerEnv: Record<string, string>): void {
  Object.assign(process.env, {
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint'),
    ...Object.fromEntries(Object.entries(endpoints).map(([service, url]) => [`AWS_ENDPOINT_URL_${service}`, url])),
    ...handlerEnv,
  });
}
