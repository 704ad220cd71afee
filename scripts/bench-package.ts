/**
 * npm run bench:package — prints the package figures in BENCHMARKS.md:
 *  1. import time of each subpath, unbundled from the built library (`dist/lib`, npm run build),
 *     the median of fresh Node processes (the time of the `import()` alone, the process's own
 *     start-up excluded), with how many modules of ours and of packages it loads;
 *  2. each subpath bundled as a consumer's bundler would (esbuild, ESM, minified, every package
 *     inlined): bytes, and gzip;
 *  3. the Lambda bundles in `dist/lambda/` (npm run bundle): bytes of each `index.mjs` and its zip.
 * A script, not a test: it measures, it does not judge.
 *
 *   node --import tsx scripts/bench-package.ts [--root <checkout>] [--runs 9] [--entry name=dist/lib/x.js …]
 * `--root` measures another checkout (built), e.g. the commit before the public API was curated.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
};
const ROOT = resolve(option('root') ?? resolve(import.meta.dirname, '..'));
const NODE = resolve(import.meta.dirname, '../node_modules/.bin/node');
const RUNS = Number(option('runs') ?? 9);

type Exports = Record<string, { import: string }>;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: Exports };
const entries: [string, string][] = Object.entries(pkg.exports).map(([sub, e]) => [sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`, e.import]);
args.forEach((a, i) => {
  if (args[i - 1] === '--entry') {
    const [name, path] = a.split('=');
    entries.push([name!, path!]);
  }
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// The probe counts modules by the loader's resolve hook, registered before the timed import.
const probe = (file: string) => `
  import { register } from 'node:module';
  const { port1, port2 } = new MessageChannel();
  const seen = new Set();
  port1.on('message', (url) => seen.add(url));
  port1.unref();
  register('data:text/javascript,' + encodeURIComponent(\`
    let port;
    export function initialize(data) { port = data.port; }
    export async function resolve(spec, context, next) { const r = await next(spec, context); port.postMessage(r.url); return r; }
  \`), { data: { port: port2 }, transferList: [port2] });
  const t = performance.now();
  await import(${JSON.stringify(`file://${file}`)});
  const ms = performance.now() - t;
  await new Promise((r) => setTimeout(r, 20));
  const urls = [...seen].filter((u) => u.startsWith('file:'));
  console.log(JSON.stringify({ ms, ours: urls.filter((u) => !u.includes('/node_modules/')).length, packages: urls.filter((u) => u.includes('/node_modules/')).length }));
`;
// Timing runs carry no hook (a hook runs off-thread and slows every resolve); one extra run counts modules.
const timing = (file: string) => `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); console.log(JSON.stringify({ ms: performance.now() - t }));`;

function run(source: string): { ms: number; ours?: number; packages?: number } {
  const r = spawnSync(NODE, ['--input-type=module', '-e', source], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

console.log(`# ${ROOT} (Node ${spawnSync(NODE, ['-v'], { encoding: 'utf8' }).stdout.trim()}, median of ${RUNS} fresh processes)\n`);
console.log('## Import time, unbundled (dist/lib)\n');
console.log('| entry | import ms | modules (ours) | modules (packages) |\n| --- | ---: | ---: | ---: |');
for (const [name, path] of entries) {
  const file = join(ROOT, path);
  if (!existsSync(file)) {
    console.log(`| \`${name}\` | (not built: ${path}) | | |`);
    continue;
  }
  const counted = run(probe(file));
  const times = Array.from({ length: RUNS }, () => run(timing(file)).ms);
  console.log(`| \`${name}\` | ${median(times).toFixed(0)} | ${counted.ours} | ${counted.packages} |`);
}

console.log('\n## Each entry bundled (esbuild, ESM, minified, packages inlined)\n');
console.log('| entry | bytes | gzip |\n| --- | ---: | ---: |');
for (const [name, path] of entries) {
  const file = join(ROOT, path);
  if (!existsSync(file)) continue;
  const out = await build({
    entryPoints: [file],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
    absWorkingDir: ROOT,
    nodePaths: [resolve(import.meta.dirname, '../node_modules')],
  });
  const code = out.outputFiles[0]!.contents;
  console.log(`| \`${name}\` | ${code.byteLength.toLocaleString('en')} | ${gzipSync(code).byteLength.toLocaleString('en')} |`);
}

const lambdas = join(ROOT, 'dist/lambda');
if (existsSync(lambdas)) {
  console.log('\n## Lambda bundles (dist/lambda, npm run bundle)\n');
  console.log('| bundle | index.mjs bytes | zip bytes |\n| --- | ---: | ---: |');
  for (const name of readdirSync(lambdas).filter((n) => statSync(join(lambdas, n)).isDirectory()).sort()) {
    const mjs = join(lambdas, name, 'index.mjs');
    const zip = join(lambdas, `${name}.zip`);
    const size = (p: string) => (existsSync(p) ? statSync(p).size.toLocaleString('en') : '–');
    console.log(`| ${name} | ${size(mjs)} | ${size(zip)} |`);
  }
}
