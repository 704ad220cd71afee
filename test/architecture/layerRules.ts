import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

/** A source file as the layer check sees it: its path from the repository root ('/'-separated) and its text. */
export interface SourceFile {
  readonly path: string;
  readonly source: string;
}

/** Which layers (top-level folders) and packages each layer may import; `null`: any package. */
export const LAYER_RULES = {
  domain: { layers: ['domain'], packages: ['neverthrow'] },
  application: { layers: ['domain', 'application'], packages: ['neverthrow', 'valibot'] },
  adapters: { layers: ['domain', 'application', 'adapters'], packages: null },
} as const satisfies Record<string, { layers: readonly string[]; packages: readonly string[] | null }>;

export type Layer = keyof typeof LAYER_RULES;
export const LAYERS = Object.keys(LAYER_RULES) as Layer[];

/** Comments out of the way, so a doc comment that mentions process.env or `@example(` is not code. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Every module a file imports: static, type-only, re-exports, side-effect and dynamic imports. */
export function importsOf(source: string): string[] {
  const code = withoutComments(source);
  const patterns = [
    /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /import\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[1]!));
}

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

/**
 * Every breach of the layer rule in `files`, one line each: an import of a layer or package the
 * file's layer may not use, and, in domain/ and application/, `process.env` or a decorator.
 * Files outside the ruled layers (entrypoints/, simulation/) are not checked.
 */
export function layerViolations(files: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const { path, source } of files) {
    const layer = path.split('/')[0] as Layer;
    const rule = LAYER_RULES[layer];
    if (rule === undefined) continue;
    for (const spec of importsOf(source)) {
      if (spec.startsWith('.')) {
        const target = posix.normalize(posix.join(posix.dirname(path), spec)).split('/')[0]!;
        if (!(rule.layers as readonly string[]).includes(target)) found.push(`${path} imports ${target}/ (${spec})`);
      } else if (rule.packages !== null && !(rule.packages as readonly string[]).includes(packageOf(spec))) {
        found.push(`${path} imports package ${spec}`);
      }
    }
    if (layer !== 'adapters') {
      const code = withoutComments(source);
      if (/process\s*(\.\s*env|\[\s*['"]env['"]\s*\])/.test(code)) found.push(`${path} reads process.env`);
      if (/(^|[\s(,;{}])@[A-Za-z_$][\w$]*(\.[\w$]+)*\s*\(/m.test(code)) found.push(`${path} uses a decorator`);
    }
  }
  return found;
}

/** The TypeScript files of the given layers under `root`. */
export function layerSources(root: string, layers: readonly Layer[] = LAYERS): SourceFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return walk(path);
      return path.endsWith('.ts') ? [path] : [];
    });
  return layers.flatMap((layer) =>
    walk(join(root, layer)).map((file) => ({ path: relative(root, file).split(/[\\/]/).join('/'), source: readFileSync(file, 'utf8') })),
  );
}
