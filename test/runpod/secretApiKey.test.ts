import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { secretApiKey } from '../../adapters/runpod/secretApiKey.js';

const secrets = mockClient(SecretsManagerClient);

describe('secretApiKey (Secrets Manager through Powertools Parameters)', () => {
  beforeEach(() => {
    secrets.reset();
    process.env['AWS_REGION'] = 'us-east-1';
  });

  it('reads a plain secret once and caches it per container', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'runpod/plain' }).resolves({ SecretString: ' rp-key-1 \n' });
    const key = secretApiKey('runpod/plain');

    expect([await key(), await key()]).toEqual(['rp-key-1', 'rp-key-1']);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads the RUNPOD_API_KEY field of a JSON secret', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'runpod/json' }).resolves({ SecretString: '{"RUNPOD_API_KEY":"rp-key-2"}' });

    expect(await secretApiKey('runpod/json')()).toBe('rp-key-2');
  });

  it('fails clearly when the JSON secret has no key field', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'runpod/other' }).resolves({ SecretString: '{"password":"x"}' });

    await expect(secretApiKey('runpod/other')()).rejects.toThrow('secret runpod/other has no RUNPOD_API_KEY or api_key field');
  });
});
