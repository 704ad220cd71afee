import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from './dynamoDbLocal.js';

/** s3rver accepts any SigV4 signature from its built-in account. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface RunningS3rver {
  readonly endpoint: string;
  /** A client for it: path-style addressing (no bucket subdomains on 127.0.0.1). */
  client(): S3Client;
  stop(): Promise<void>;
}

const S3RVER_BIN = join(dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin/s3rver.js');

/**
 * Starts s3rver (a real local S3 engine) in its own process, on a free port and a fresh
 * directory, with `buckets` made, and waits until it answers.
 *
 * Its own process because s3rver encrypts ListObjectsV2 continuation tokens with DES, which
 * OpenSSL 3 only offers through the legacy provider: without `--openssl-legacy-provider` every
 * listing of more than one page fails with InternalError.
 */
export async function startS3rver(buckets: readonly string[] = []): Promise<RunningS3rver> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      S3RVER_BIN,
      '--directory', directory,
      '--address', '127.0.0.1',
      '--port', String(port),
      ...(process.env.S3RVER_VERBOSE === '1' ? [] : ['--silent']),
      ...buckets.flatMap((name) => ['--configure-bucket', name]),
    ],
    { stdio: ['ignore', process.env.S3RVER_VERBOSE === '1' ? 'inherit' : 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  const client = () => {
    const c = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
      requestHandler: { httpAgent: { maxSockets: 32 } },
    });
    clients.push(c);
    return c;
  };

  const probe = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`s3rver exited (${child.exitCode}): ${stderr}`);
    try {
      await probe.send(new ListBucketsCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`s3rver did not start within 30 s: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.destroy();

  return {
    endpoint,
    client,
    stop: async () => {
      for (const c of clients) c.destroy();
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
