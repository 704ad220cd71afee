import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PowertoolsLog } from '../../adapters/logging/PowertoolsLog.js';
import { fingerprint, redact } from '../../adapters/logging/redact.js';

const sha = (s: string) => `fp:${createHash('sha256').update(s).digest('hex').slice(0, 12)}`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fingerprints', () => {
  it('are the first 12 hex digits of the SHA-256, for a secret seen again and for many different ones', () => {
    const secrets = Array.from({ length: 100 }, (_, i) => i.toString(16).padStart(64, '0'));
    for (const s of [...secrets, ...secrets.slice(0, 5), ...secrets]) expect(fingerprint(s)).toBe(sha(s));
  });

  it('replace a token wherever it appears in a record', () => {
    const token = 'ab'.repeat(32);
    expect(redact({ callback_token: token, url: `https://x/webhook/${token}` })).toEqual({
      callback_token: sha(token),
      url: `https://x/webhook/${sha(token)}`,
    });
  });
});

describe('PowertoolsLog', () => {
  it('prints info records at INFO, redacted, and drops them at WARN', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const token = 'cd'.repeat(32);
    new PowertoolsLog(new Logger({ serviceName: 'test', logLevel: 'INFO' })).with({ callback_token: token }).info('Processing RunPod job');
    new PowertoolsLog(new Logger({ serviceName: 'test', logLevel: 'WARN' })).info('Processing RunPod job', { callback_token: token });
    expect(written).toHaveLength(1);
    expect(written[0]).toContain(sha(token));
    expect(written[0]).not.toContain(token);
  });
});
