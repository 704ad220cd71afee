import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entries, packagesOf } from '../../scripts/api-report.js';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};
const ENTRIES = entries();
const bySpecifier = (specifier: string) => ENTRIES.find((e) => e.specifier === specifier)!;
const NEED_NO_SDK = ['baton', 'baton/domain', 'baton/testing', 'baton/lambda'];

// Importing each entry in a fresh process: Node's loader and third-party packages (Powertools,
// the SDK) read a few flags of their own at import; Baton's own modules must read none.
function importProbe(file: string) {
  const probe = `
    const reads = new Set();
    const ours = (stack) => stack.split('\\n').slice(2).find((line) => !line.includes('node:internal'))?.includes('/dist/lib/') ?? false;
    process.env = new Proxy(process.env, { get(t, k) { if (typeof k === 'string' && ours(new Error().stack)) reads.add(k); return t[k]; } });
    const printed = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk) => { printed.push(String(chunk)); return true; };
    const running = () => process.getActiveResourcesInfo().filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap').length;
    const before = running();
    const lib = await import(${JSON.stringify(`file://${file}`)});
    const after = running();
    process.stdout.write = write;
    console.log(JSON.stringify({ reads: [...reads], printed, resources: after - before, exports: Object.keys(lib) }));
  `;
  const run = spawnSync(join(ROOT, 'node_modules/.bin/node'), ['--input-type=module', '-e', probe], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as { reads: string[]; printed: string[]; resources: number; exports: string[] };
}

describe('the public entries (package.json exports, built by npm run build)', () => {
  it('are the root and the five subpaths, each with types and an ESM file', () => {
    expect(ENTRIES.map((e) => e.specifier)).toEqual(['baton', 'baton/domain', 'baton/testing', 'baton/aws', 'baton/lambda', 'baton/worker']);
    for (const [sub, target] of Object.entries(pkg.exports)) {
      if (sub === './package.json') continue;
      // `types` first: TypeScript takes the first condition that matches.
      expect(Object.keys(target as object)).toEqual(['types', 'import']);
    }
  });

  it.each(ENTRIES.map((e) => [e.specifier, e.js]))('%s has no side effects on import: reads no environment, prints nothing, leaves nothing running', (_, file) => {
    const result = importProbe(file);

    expect({ ...result, exports: undefined }).toEqual({ reads: [], printed: [], resources: 0, exports: undefined });
    expect(result.exports.length).toBeGreaterThan(5);
  });

  it('the root keeps internals and generic names to itself', () => {
    const root = importProbe(bySpecifier('baton').js).exports;
    const internals = ['toItem', 'fromItem', 'conditionalWrite', 'retryTransient', 'redact', 'accept', 'claim', 'released', 'rejected', 'transition', 'validate', 'clamp'];

    expect(root.filter((name) => internals.includes(name))).toEqual([]);
    expect(root).toEqual(expect.arrayContaining(['SubmitRunPodJob', 'HandleRunPodWebhook', 'SubmitJob', 'JOB_TRANSITIONS', 'nextStatus']));
    expect(root.filter((name) => name.startsWith('InMemory') || name.startsWith('DynamoDb'))).toEqual([]);
  });
});

describe('what each entry loads is declared in package.json', () => {
  it.each(ENTRIES.map((e) => [e.specifier, e]))('%s imports only dependencies and peer dependencies', (_, entry) => {
    const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
    // A package a declaration names is found as itself or as its DefinitelyTyped `@types/…`.
    const used = [...packagesOf(entry.js, false), ...packagesOf(entry.types, true).map((p) => (declared.has(p) ? p : `@types/${p}`))];

    expect(used.filter((p) => !declared.has(p))).toEqual([]);
  });

  it.each(NEED_NO_SDK)('%s loads no AWS SDK and no Powertools: its optional peers may be absent', (specifier) => {
    const loaded = packagesOf(bySpecifier(specifier).js, false);

    expect(loaded.filter((p) => pkg.peerDependenciesMeta[p]?.optional === true)).toEqual([]);
  });

  it('every peer dependency is installed here at an exact version its range accepts (the bundles keep the lock)', () => {
    for (const [name, range] of Object.entries(pkg.peerDependencies)) {
      const pinned = pkg.devDependencies[name];
      expect(pinned, `${name}: a peer needs an exact devDependency`).toMatch(/^\d+\.\d+\.\d+$/);
      expect(range, `${name}: a peer range is ^<the pinned version's major.minor>`).toMatch(/^\^\d+\.\d+\.\d+$/);
      const [major, minor] = range.slice(1).split('.').map(Number);
      const [pMajor, pMinor] = pinned!.split('.').map(Number);
      expect(pMajor === major && pMinor! >= minor!, `${name}: ${pinned} is outside ${range}`).toBe(true);
    }
  });

  it('Powertools is one version, so Lambda loads one copy of its commons', () => {
    const powertools = Object.entries(pkg.devDependencies).filter(([name]) => name.startsWith('@aws-lambda-powertools/'));
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const commons = Object.entries(lock.packages).filter(([path]) => path.endsWith('node_modules/@aws-lambda-powertools/commons'));

    expect(new Set(powertools.map(([, version]) => version)).size).toBe(1);
    expect(commons.map(([, p]) => p.version)).toEqual([powertools[0]![1]]);
  });
});
