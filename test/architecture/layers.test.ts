import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Which layers (top-level folders) and packages each layer may import. */
const RULES = {
  domain: { layers: ['domain'], packages: ['neverthrow'] },
  application: { layers: ['domain', 'application'], packages: ['neverthrow', 'valibot'] },
  adapters: { layers: ['domain', 'application', 'adapters'], packages: null },
} as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)];
  const dynamic = [...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return [...specifiers, ...dynamic].map((m) => m[1]!);
}

function violations(layer: keyof typeof RULES): string[] {
  const rule = RULES[layer];
  const found: string[] = [];
  for (const file of sourceFiles(join(ROOT, layer))) {
    const source = readFileSync(file, 'utf8');
    const where = relative(ROOT, file);
    for (const spec of importsOf(source)) {
      if (spec.startsWith('.')) {
        const target = relative(ROOT, resolve(dirname(file), spec)).split(/[\\/]/)[0]!;
        if (!(rule.layers as readonly string[]).includes(target)) found.push(`${where} imports ${target}/ (${spec})`);
      } else if (rule.packages !== null) {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!(rule.packages as readonly string[]).includes(pkg)) found.push(`${where} imports package ${spec}`);
      }
    }
    if (layer !== 'adapters') {
      if (/process\.env/.test(source)) found.push(`${where} reads process.env`);
      if (/^\s*@\w+\(/m.test(source)) found.push(`${where} uses a decorator`);
    }
  }
  return found;
}

describe('layer rules', () => {
  it.each(Object.keys(RULES) as (keyof typeof RULES)[])('%s imports only what its layer may', (layer) => {
    expect(violations(layer)).toEqual([]);
  });

  it('catches a violation (the rule itself is live)', () => {
    expect(importsOf(`import { X } from '../../adapters/foo.js';\nimport * as v from 'valibot';`)).toEqual([
      '../../adapters/foo.js',
      'valibot',
    ]);
  });
});
