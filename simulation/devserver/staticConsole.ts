import { readFile } from 'node:fs/promises';
import type { HttpResponse } from '../../entrypoints/http/apiGateway.js';

const CONSOLE_DIR = new URL('./console/', import.meta.url);

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Plain file names only: nothing outside the console folder can be named. */
const FILE = /^[a-z0-9][a-z0-9-]*\.(html|css|js|svg)$/;

/**
 * A file of the dev console (`simulation/devserver/console/`), read on each request so an
 * edit shows on reload; undefined if there is no such file.
 */
export async function consoleFile(name: string): Promise<HttpResponse | undefined> {
  const match = FILE.exec(name);
  if (!match) return undefined;
  try {
    const body = await readFile(new URL(name, CONSOLE_DIR), 'utf8');
    return {
      statusCode: 200,
      headers: {
        'content-type': TYPES[match[1]!]!,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        // The page loads only its own files and talks only to this server.
        'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
      },
      body,
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
