import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barrel, LAYERS } from '../../scripts/barrels.js';

const ROOT = resolve(import.meta.dirname, '../..');
const LIB = join(ROOT, 'dist/lib/index.js');

describe('public library entry', () => {
  it.each(LAYERS)('%s/index.ts exports every module of the layer (npm run barrels)', (layer) => {
    expect(readFileSync(join(ROOT, layer, 'index.ts'), 'utf8')).toBe(barrel(layer));
  });

  it('is built as ESM with type declarations (npm run build)', () => {
    expect(existsSync(LIB)).toBe(true);
    expect(existsSync(join(ROOT, 'dist/lib/index.d.ts'))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { import: string; types: string }> };
    expect(pkg.exports['.']).toEqual({ types: './dist/lib/index.d.ts', import: './dist/lib/index.js' });
    for (const entry of Object.values(pkg.exports)) {
      expect(existsSync(join(ROOT, entry.import))).toBe(true);
      expect(existsSync(join(ROOT, entry.types))).toBe(true);
    }
  });

  // Node's loader and third-party packages (Powertools, the SDK) read a few flags of their own at
  // import; the test holds Baton's own modules to reading none, by the stack of each read.
  it('has no side effects on import: Baton reads no environment, prints nothing, leaves nothing running', () => {
    const probe = `
      const reads = new Set();
      const ours = (stack) => stack.split('\\n').slice(2).find((line) => !line.includes('node:internal'))?.includes('/dist/lib/') ?? false;
      process.env = new Proxy(process.env, { get(t, k) { if (typeof k === 'string' && ours(new Error().stack)) reads.add(k); return t[k]; } });
      const printed = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = (chunk) => { printed.push(String(chunk)); return true; };
      const running = () => process.getActiveResourcesInfo().filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap').length;
      const before = running();
      const lib = await import(${JSON.stringify(`file://${LIB}`)});
      const after = running();
      process.stdout.write = write;
      console.log(JSON.stringify({ reads: [...reads], printed, resources: after - before, exports: Object.keys(lib).length }));
    `;
    const run = spawnSync(join(ROOT, 'node_modules/.bin/node'), ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { reads: string[]; printed: string[]; resources: number; exports: number };

    expect(result).toEqual({ reads: [], printed: [], resources: 0, exports: expect.any(Number) });
    expect(result.exports).toBeGreaterThan(50);
  });
});
