import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RunPodClient } from '../../adapters/runpod/RunPodClient.js';
import { secretApiKey, type ApiKeySource } from '../../adapters/runpod/secretApiKey.js';
import { startFakeRunPod, type FakeRunPod } from '../support/fakeRunPod.js';

const secrets = mockClient(SecretsManagerClient);
const request = { input: { segment: 'a' }, webhook: 'https://example.com/webhook/x' } as never;

/** A key source that holds `current` and says how often it was asked to skip its cache. */
function rotatingKey(cached: string, afterRotation: string): ApiKeySource & { fresh: number } {
  const source = Object.assign(
    async (options?: { fresh?: boolean }) => {
      if (options?.fresh) {
        source.fresh += 1;
        return afterRotation;
      }
      return cached;
    },
    { fresh: 0 },
  );
  return source;
}

describe('RunPod key rotation: a 401/403 refreshes the cached key once and retries', () => {
  let runpod: FakeRunPod;
  beforeAll(async () => (runpod = await startFakeRunPod()));
  afterAll(async () => runpod.close());
  beforeEach(() => (runpod.received.length = 0));

  it.each([401, 403])('after a rotation, RunPod answering %i to the cached key gets the new key and the job is submitted', async (status) => {
    const key = rotatingKey('rp-old', 'rp-new');
    runpod.queue({ status, body: '{"error":"Unauthorized"}' });
    const client = new RunPodClient({ endpointUrl: runpod.url, apiKey: key });

    const r = await client.submit(request);

    expect(r.isOk()).toBe(true);
    expect(runpod.received.map((q) => q.authorization)).toEqual(['Bearer rp-old', 'Bearer rp-new']);
    expect(key.fresh).toBe(1);
  });

  it('a refusal of the freshly read key stands: RunPodRejected after one refresh, not a loop', async () => {
    const key = rotatingKey('rp-old', 'rp-new');
    runpod.queue({ status: 401, body: '{}' }, { status: 401, body: '{"error":"Unauthorized"}' });
    const client = new RunPodClient({ endpointUrl: runpod.url, apiKey: key });

    const r = await client.submit(request);

    expect(r.isErr() && r.error).toMatchObject({ type: 'GpuJobRejected', status: 401 });
    expect(runpod.received).toHaveLength(2);
    expect(key.fresh).toBe(1);
  });

  it('a key from the environment with a newline fails without quoting it (fetch\'s own error would)', async () => {
    const client = new RunPodClient({ endpointUrl: runpod.url, apiKey: async () => 'rp-ENVKEY-123\nX-Injected: 1' });

    const failure = await client.submit(request).then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    expect(failure?.message).toContain('characters an HTTP header cannot carry');
    expect(`${failure?.message} ${failure?.stack}`).not.toContain('ENVKEY');
    expect(runpod.received).toHaveLength(0);
  });

  it('an unchanged key after the refresh is not sent twice', async () => {
    const key = rotatingKey('rp-same', 'rp-same');
    runpod.queue({ status: 403, body: '{}' });

    const r = await new RunPodClient({ endpointUrl: runpod.url, apiKey: key }).submit(request);

    expect(r.isErr() && r.error).toMatchObject({ type: 'GpuJobRejected', status: 403 });
    expect(runpod.received).toHaveLength(1);
  });
});

describe('secretApiKey: fresh reads and malformed secrets', () => {
  beforeEach(() => {
    secrets.reset();
    process.env['AWS_REGION'] = 'us-east-1';
  });

  it('serves the cached key until asked for a fresh one, then the rotated key', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'runpod/rotating' }).resolvesOnce({ SecretString: 'rp-1' }).resolves({ SecretString: 'rp-2' });
    const key = secretApiKey('runpod/rotating');

    const before = [await key(), await key()];
    const [a, b] = await Promise.all([key({ fresh: true }), key({ fresh: true })]);

    expect(before).toEqual(['rp-1', 'rp-1']);
    expect([a, b, await key()]).toEqual(['rp-2', 'rp-2', 'rp-2']);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it.each([
    ['{rp-SECRETKEY-123', 'looks like JSON but does not parse'],
    ['{"RUNPOD_API_KEY": "rp-SECRETKEY-123\\nX-Injected: 1"}', 'characters an HTTP header cannot carry'],
    ['rp SECRETKEY 123', 'characters an HTTP header cannot carry'],
  ])('reports a malformed secret without any of its characters (%s)', async (value, reason) => {
    // Powertools caches per secret id for the whole process: one id per case.
    const id = `runpod/bad-${reason.length}-${value.length}`;
    secrets.on(GetSecretValueCommand, { SecretId: id }).resolves({ SecretString: value });

    const failure = await secretApiKey(id)().then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    expect(failure?.message).toContain(reason);
    expect(`${failure?.name} ${failure?.message} ${failure?.stack}`).not.toMatch(/SECRETKEY|rp-S|rp S/);
  });
});
