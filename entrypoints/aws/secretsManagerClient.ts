import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClient } from './awsRequestHandler.js';

let client: SecretsManagerClient | undefined;

/** The container's Secrets Manager client (see dynamoDbClient.ts for the configuration chain and timeouts). */
export function secretsManagerClient(): SecretsManagerClient {
  return (client ??= awsClient(SecretsManagerClient, 5_000));
}
