import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planLaunch } from '../../domain/launch/RenderLaunch.js';
import { END_OF_ENVIRONMENT, readWorkerEnvironment } from '../../domain/launch/userDataScript.js';
import { aCallbackCredential, aLaunchSettings } from './builders.js';

/** Pieces that break naive quoting, mixed with arbitrary code points. */
const nasty = fc.constantFrom(
  "'", '"', '\\', '$', '`', '$(touch /tmp/pwned)', '`id`', '${HOME}', '\n', '\r', '\t', ' ', ';', '&&', '|',
  "'\\''", '!', '#', '*', '?', '~', '-n', '--', 'EOF', `\n${END_OF_ENVIRONMENT}\n`, '\nexport JOB_ID=x\n', 'é', '🎬',
);
const anyValue = fc
  .array(fc.oneof(nasty, fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 12 })
  .map((parts) => parts.join(''))
  .filter((s) => !s.includes('\u0000'));

/** Runs only the variable part of the script in bash and prints each value NUL-terminated. */
function valuesSetByBash(script: string, names: readonly string[]): string[] {
  const end = script.lastIndexOf(`\n${END_OF_ENVIRONMENT}\n`);
  const envPart = script.slice(0, end + 1);
  const probe = `${envPart}printf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}\n`;
  const run = spawnSync('bash', ['-c', probe], { encoding: 'buffer', env: { PATH: process.env.PATH } });
  expect(run.status, run.stderr.toString()).toBe(0);
  return run.stdout.toString('utf8').split('\u0000').slice(0, -1);
}

function bashSyntaxOk(script: string): { ok: boolean; stderr: string } {
  const run = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  return { ok: run.status === 0, stderr: run.stderr };
}

describe('user-data quoting', () => {
  it('bash reads back every value exactly, and the whole script parses, whatever the values', () => {
    fc.assert(
      fc.property(anyValue, anyValue, anyValue, anyValue, anyValue, (jobId, token, table, url, ref) => {
        // The command and the pip requirement are configuration, yet quoted like any value (reusing two values).
        const settings = aLaunchSettings({ repositoryUrl: url, repositoryRef: ref, workDir: `/opt/${ref}`, command: table, pythonPackage: url });
        const launch = planLaunch(settings, jobId, aCallbackCredential({ callbackToken: token, callbackTableName: table }))._unsafeUnwrap();

        expect(bashSyntaxOk(launch.userData)).toEqual({ ok: true, stderr: '' });
        const names = ['JOB_ID', 'CALLBACK_TOKEN', 'CALLBACK_TABLE_NAME', 'REPOSITORY_URL', 'REPOSITORY_REF', 'WORK_DIR', 'WORKER_COMMAND', 'WORKER_PYTHON_PACKAGE'];
        expect(valuesSetByBash(launch.userData, names)).toEqual([jobId, token, table, url, ref, `/opt/${ref}`, table, url]);
      }),
      // Two bash processes per run: few runs, shrinking kept; the batch below covers breadth.
      { numRuns: 25 },
    );
  }, 120_000);

  it('in one batch of 300 scripts, bash parses each and reads back every value exactly', () => {
    const samples = fc.sample(fc.tuple(anyValue, anyValue, anyValue), { numRuns: 300, seed: 42 });
    const scripts = samples.map(([jobId, token, url]) =>
      planLaunch(aLaunchSettings({ repositoryUrl: url }), jobId, aCallbackCredential({ callbackToken: token }))._unsafeUnwrap().userData,
    );
    // Each script as a function body: `bash -n` checks them all in one process.
    expect(bashSyntaxOk(scripts.map((s, i) => `script_${i}() {\n${s}\n}\n`).join(''))).toEqual({ ok: true, stderr: '' });
    // Each environment part in its own subshell, values NUL-terminated.
    const probe = scripts
      .map((s) => `(\n${s.slice(0, s.lastIndexOf(`\n${END_OF_ENVIRONMENT}\n`) + 1)}printf '%s\\0' "$JOB_ID" "$CALLBACK_TOKEN" "$REPOSITORY_URL"\n)\n`)
      .join('');
    const run = spawnSync('bash', [], { input: probe, env: { PATH: process.env.PATH }, maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr.toString()).toBe(0);
    expect(run.stdout.toString('utf8').split('\u0000').slice(0, -1)).toEqual(samples.flat());
  });

  it('the in-process reader agrees with bash', () => {
    fc.assert(
      fc.property(anyValue, anyValue, (jobId, token) => {
        const launch = planLaunch(aLaunchSettings(), jobId, { kind: 'taskToken', taskToken: token })._unsafeUnwrap();
        const env = readWorkerEnvironment(launch.userData);
        expect(env.get('JOB_ID')).toBe(jobId);
        expect(env.get('TASK_TOKEN')).toBe(token);
        expect([...env.keys()]).toEqual(['JOB_ID', 'WORKER_ROLE', 'TASK_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'WORK_DIR', 'WORKER_COMMAND']);
      }),
    );
  });

  it('a value that tries to run a command stays a value', () => {
    const launch = planLaunch(aLaunchSettings(), "x'; touch /tmp/baton-pwned; echo '", aCallbackCredential())._unsafeUnwrap();
    expect(valuesSetByBash(launch.userData, ['JOB_ID'])).toEqual(["x'; touch /tmp/baton-pwned; echo '"]);
  });
});
