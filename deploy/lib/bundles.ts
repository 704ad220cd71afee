import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

/** The repository root (deploy/ sits in it). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** Where `npm run bundle` writes one directory per handler (`<dir>/<handler>/index.mjs` + source map). */
export const DEFAULT_BUNDLES_DIR = join(REPO_ROOT, 'dist/lambda');

/** Every Lambda entry of the library: each file in entrypoints/lambda/ becomes a bundle. */
export function handlerNames(root = REPO_ROOT): string[] {
  return readdirSync(join(root, 'entrypoints/lambda'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .sort();
}

/** The directory CDK uploads for one handler; fails at synth, with the fix, if it was never built. */
export function bundleDirectory(handler: string, bundlesDir = DEFAULT_BUNDLES_DIR): string {
  const dir = join(bundlesDir, handler);
  if (!existsSync(join(dir, 'index.mjs'))) {
    throw new Error(`${dir}/index.mjs is missing: run \`npm run bundle\` (or \`npm run synth\`, which builds what is missing)`);
  }
  return dir;
}
