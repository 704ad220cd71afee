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
 *   node --import tsx scripts/bench-package.ts [--before <checkout>] [--runs 9] [--entry name=dist/lib/x.js …]
 * `--before` also measures another checkout (built: npm run build && npm run bundle), e.g. the
 * commit before the public API was curated; its import runs interleave with this one's, so both
 * see the same machine load. `--entry` adds an entry of that checkout by hand (it had no subpath).
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
const HERE = resolve(import.meta.dirname, '..');
const BEFORE = option('before');
const NODE = resolve(import.meta.dirname, '../node_modules/.bin/node');
const RUNS = Number(option('runs') ?? 9);

interface Measured {
  readonly label: string;
  readonly root: string;
  readonly entries: [string, string][];
}
type Exports = Record<string, string | { import: string }>;
function checkout(label: string, root: string, extra: [string, string][]): Measured {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports: Exports };
  const entries = Object.entries(pkg.exports).flatMap(([sub, e]): [string, string][] =>
    typeof e === 'string' ? [] : [[sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`, e.import]],
  );
  return { label, root, entries: [...entries, ...extra] };
}
const extra: [string, string][] = args.flatMap((a, i) => (args[i - 1] === '--entry' ? [a.split('=') as [string, string]] : []));
const checkouts = [...(BEFORE ? [checkout('before', resolve(BEFORE), extra)] : []), checkout(BEFORE ? 'after' : 'this', HERE, [])];

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

function run(root: string, source: string): { ms: number; ours?: number; packages?: number } {
  const r = spawnSync(NODE, ['--input-type=module', '-e', source], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

const size = (p: string) => (existsSync(p) ? statSync(p).size.toLocaleString('en') : '–');

console.log(`# Package figures (Node ${spawnSync(NODE, ['-v'], { encoding: 'utf8' }).stdout.trim()}, median of ${RUNS} fresh processes, runs interleaved)\n`);
for (const c of checkouts) console.log(`- ${c.label}: ${c.root}`);

console.log('\n## Import time, unbundled (dist/lib)\n');
console.log('| checkout | entry | import ms | modules (ours) | modules (packages) |\n| --- | --- | ---: | ---: | ---: |');
const jobs = checkouts.flatMap((c) => c.entries.map(([name, path]) => ({ c, name, file: join(c.root, path), times: [] as number[] })));
const present = jobs.filter((j) => existsSync(j.file));
for (let i = 0; i < RUNS; i += 1) for (const j of present) j.times.push(run(j.c.root, timing(j.file)).ms);
for (const j of jobs) {
  if (!existsSync(j.file)) {
    console.log(`| ${j.c.label} | \`${j.name}\` | (not built) | | |`);
    continue;
  }
  const counted = run(j.c.root, probe(j.file));
  console.log(`| ${j.c.label} | \`${j.name}\` | ${median(j.times).toFixed(0)} | ${counted.ours} | ${counted.packages} |`);
}

console.log('\n## Each entry bundled (esbuild, ESM, minified, packages inlined)\n');
console.log('| checkout | entry | bytes | gzip |\n| --- | --- | ---: | ---: |');
for (const j of present) {
  const out = await build({
    entryPoints: [j.file],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
    absWorkingDir: j.c.root,
    nodePaths: [join(HERE, 'node_modules')],
  });
  const code = out.outputFiles[0]!.contents;
  console.log(`| ${j.c.label} | \`${j.name}\` | ${code.byteLength.toLocaleString('en')} | ${gzipSync(code).byteLength.toLocaleString('en')} |`);
}

const names = [...new Set(checkouts.flatMap((c) => (existsSync(join(c.root, 'dist/lambda')) ? readdirSync(join(c.root, 'dist/lambda')) : [])))]
  .filter((n) => !n.endsWith('.zip'))
  .sort();
console.log('\n## Lambda bundles (dist/lambda, npm run bundle): index.mjs bytes / zip bytes\n');
console.log(`| bundle | ${checkouts.map((c) => c.label).join(' | ')} |\n| --- | ${checkouts.map(() => '---:').join(' | ')} |`);
for (const name of names) {
  const cells = checkouts.map((c) => `${size(join(c.root, 'dist/lambda', name, 'index.mjs'))} / ${size(join(c.root, 'dist/lambda', `${name}.zip`))}`);
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}
