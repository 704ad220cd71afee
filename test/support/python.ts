import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { describe, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Debian's interpreter, where `apt-get install python3-boto3` puts boto3 (the PATH `python3` may be a pyenv shim). */
export const PYTHON = '/usr/bin/python3';
export const PYTHON_PACKAGE_DIR = resolve(ROOT, 'workers/python');
const DRIVER = resolve(ROOT, 'test/worker/python/drive_worker.py');

let available: boolean | undefined;
export function pythonWithBoto3(): boolean {
  available ??= spawnSync(PYTHON, ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
  return available;
}

/**
 * A describe block that needs /usr/bin/python3 with boto3 (`npm test` installs python3-boto3 when
 * it runs as root). Without it the block is skipped locally, and FAILS under CI=true.
 */
export function describePython(name: string, body: () => void): void {
  if (pythonWithBoto3()) {
    describe(name, body);
  } else if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('needs /usr/bin/python3 with boto3 (apt-get install python3-boto3)', () => {
        throw new Error(`${PYTHON} cannot import boto3: install python3-boto3 (scripts/ensure-debian-packages.sh)`);
      });
    });
  } else {
    describe.skip(`${name} (no ${PYTHON} with boto3)`, body);
  }
}

/** The environment of a process on a worker instance, pointed at the local engines. */
export function pythonWorkerEnv(vars: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    PYTHONPATH: PYTHON_PACKAGE_DIR,
    PYTHONDONTWRITEBYTECODE: '1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...vars,
  };
}

export type DriverAnswer = { answer: string } | { raised: string; reason?: string };

export interface DriverRun {
  /** Settles when the process is built and waits for go() (only with `wait_for_go`). */
  readonly ready: Promise<void>;
  go(): void;
  readonly result: Promise<DriverAnswer>;
  /** What the process logged so far (baton_worker logs to stderr here). */
  stderr(): string;
}

/** Runs test/worker/python/drive_worker.py with one command (sent on stdin); its stderr (the package's logs) is kept. */
export function drivePython(command: Record<string, unknown>, env: Record<string, string>): DriverRun {
  const child = spawn(PYTHON, [DRIVER], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.write(`${JSON.stringify(command)}\n`);
  if (!command['wait_for_go']) child.stdin.end();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  let last = '';
  lines.on('line', (line) => {
    if (line === 'ready') markReady();
    else last = line;
  });
  const result = new Promise<DriverAnswer>((resolveResult, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`drive_worker.py exited ${code}: ${stderr}`));
      else resolveResult(JSON.parse(last) as DriverAnswer);
    });
  });
  return {
    ready,
    go: () => child.stdin.end('go\n'),
    result,
    stderr: () => stderr,
  };
}

/** One command, run to its end. */
export function runPython(command: Record<string, unknown>, env: Record<string, string>): Promise<DriverAnswer> {
  return drivePython(command, env).result;
}

/** Several commands, in order, by one process (one Python start instead of several). */
export function runSteps(steps: Record<string, unknown>[], env: Record<string, string>): Promise<DriverAnswer[]> {
  return drivePython({ steps }, env).result as unknown as Promise<DriverAnswer[]>;
}
