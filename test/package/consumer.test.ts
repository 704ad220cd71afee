import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The library as a consumer gets it: `npm pack` of the built library (npm test builds it first),
 * the tarball unpacked into a scratch project's node_modules/baton, as `npm install <tarball>`
 * does, and each of its dependencies and peers linked from this repository's node_modules, so the
 * test needs no registry and installs exactly the versions of the lock. Nothing else is linked: a
 * package the library imports without declaring it fails to resolve. Then the consumer's own
 * strict TypeScript under node16 and bundler resolution, and a run of one program per subpath.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const CONSUMER = join(import.meta.dirname, 'consumer');
const run = promisify(execFile);
const NODE = join(ROOT, 'node_modules/.bin/node');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

let scratch: string;
let project: string;
let packed: { name: string; version: string; dependencies: Record<string, string>; peerDependencies: Record<string, string>; files: string[] };

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'baton-consumer-'));
  project = join(scratch, 'consumer');
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], { cwd: ROOT, env: { ...process.env, npm_config_offline: 'true' } });
  const [{ filename, files }] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];

  cpSync(CONSUMER, project, { recursive: true, filter: (src) => !src.includes('/dist') && !src.includes('/node_modules') });
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ ...manifest, dependencies: { baton: `file:../${filename}` } }, null, 2));
  const installed = join(project, 'node_modules/baton');
  mkdirSync(installed, { recursive: true });
  await run('tar', ['-xzf', join(scratch, filename), '-C', installed, '--strip-components=1']);
  packed = { ...JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')), files: files.map((f) => f.path) };

  for (const name of [...Object.keys(packed.dependencies), ...Object.keys(packed.peerDependencies), '@types/node']) {
    const link = join(project, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the packed library in a consumer project', () => {
  it('packs the built library and package.json only: no sources, tests or bundles', () => {
    expect(packed.files.filter((f) => !f.startsWith('dist/lib/') && f !== 'package.json' && !/^(README|LICENSE)/i.test(f))).toEqual([]);
    expect(packed.files).toEqual(expect.arrayContaining(['dist/lib/index.js', 'dist/lib/exports/aws.d.ts']));
  });

  it('type-checks under strict TypeScript with node16 and with bundler resolution, and runs a program from each subpath', async () => {
    const tsc = (config: string) =>
      run(NODE, [TSC, '-p', config], { cwd: project }).catch((e: { stdout: string }) => {
        throw new Error(`tsc -p ${config} in the consumer project:\n${e.stdout}`);
      });
    await Promise.all([tsc('tsconfig.json'), tsc('tsconfig.bundler.json')]);

    const { stdout } = await run(NODE, ['dist/run.js'], { cwd: project, env: { PATH: process.env['PATH'] ?? '', HOME: scratch } });

    expect(JSON.parse(stdout)).toEqual({
      domain: { from: 'submitted', start: 'processing', reopen: 'IllegalTransition' },
      jobs: { submitted: 'submitted', status: 'completed', logged: expect.any(Number) },
      aws: { url: '/out/video.mp4', adapters: ['DynamoDbJobs', 'StepFunctionsTaskTokens'] },
      lambda: { submitted: 202, found: 200, missing: 404 },
      worker: { succeeded: true, task: 'succeeded' },
    });
  }, 180_000);
});
