/**
 * Builds one minified ESM bundle per Lambda handler (every file in entrypoints/lambda/),
 * with its source map, zips both, writes dist/tables.json, and prints each bundle's size.
 *   npm run bundle            build and print sizes
 *   npm run bundle -- --quiet build, print nothing unless it fails
 *   npm run bundle -- NAME…   build only these handlers
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { zipSync } from 'fflate';
import { tableDefinitions } from '../adapters/dynamodb/tables/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const ENTRIES = join(ROOT, 'entrypoints/lambda');
const OUT = join(ROOT, 'dist/lambda');
const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const only = args.filter((a) => !a.startsWith('--'));

export function handlerNames(): string[] {
  return readdirSync(ENTRIES)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .sort();
}

const BUILTINS = new Set(builtinModules);

/**
 * Node's built-ins reach the bundle through `process.getBuiltinModule` (Node ≥ 22.3), not as
 * ESM imports. An ESM import of a built-in builds a module facade that reads every export once,
 * getters included: `node:http`'s `WebSocket`, `CloseEvent` and `MessageEvent` getters then load
 * and compile undici (Node's fetch), about 12 ms of a webhook's 80 ms cold import, for nothing
 * the handler uses. Each built-in becomes a one-line CommonJS module instead; esbuild's interop
 * reads its properties only when the code does.
 */
export const builtinsWithoutEsmFacade: Plugin = {
  name: 'builtins-without-esm-facade',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/0-9]+$/ }, (args) => {
      const id = args.path.startsWith('node:') ? args.path.slice('node:'.length) : args.path;
      return BUILTINS.has(id) ? { path: id, namespace: 'node-builtin' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

/** How every handler is bundled (the webhook benchmark builds its seed baseline the same way). */
export function lambdaBuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    plugins: [builtinsWithoutEsmFacade],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    legalComments: 'none',
    // Readable production stack traces with NODE_OPTIONS=--enable-source-maps (the CDK
    // constructs set it). Mappings only: the sources themselves would triple the map.
    sourcemap: 'linked',
    sourcesContent: false,
    // The SDK's ESM builds tree-shake far better than its CJS ones.
    mainFields: ['module', 'main'],
    // A few CJS dependencies call require() for Node built-ins.
    banner: { js: "const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
    logLevel: 'error',
  };
}

async function main(): Promise<void> {
  const names = handlerNames().filter((n) => only.length === 0 || only.includes(n));
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new Error(`no such handler: ${unknown.join(', ')}`);
  const rows = await Promise.all(
    names.map(async (name) => {
      rmSync(join(OUT, name), { recursive: true, force: true });
      const outfile = join(OUT, name, 'index.mjs');
      await build(lambdaBuildOptions(join(ENTRIES, `${name}.ts`), outfile));
      const code = readFileSync(outfile);
      const map = readFileSync(`${outfile}.map`);
      const zip = zipSync({ 'index.mjs': code, 'index.mjs.map': map }, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') });
      writeFileSync(join(OUT, `${name}.zip`), zip);
      return { name, bytes: code.length, zipBytes: zip.length };
    }),
  );
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(join(ROOT, 'dist/tables.json'), `${JSON.stringify(tableDefinitions(), null, 2)}\n`);
  if (quiet) return;
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);
  console.log(`${'handler'.padEnd(22)}${'bundle'.padStart(11)}${'zip'.padStart(11)}`);
  for (const r of rows) console.log(`${r.name.padEnd(22)}${kib(r.bytes)}${kib(r.zipBytes)}`);
  console.log(`\n${rows.length} bundles in dist/lambda/, table definitions in dist/tables.json`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
