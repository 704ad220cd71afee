import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as runpodInMemory } from '../../examples/runpodInMemory.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('examples (README snippets are these files, compiled and run)', () => {
  it('runpodInMemory: two reports, one resume', async () => {
    expect(await runpodInMemory()).toEqual({ first: 'Resumed', again: 'AlreadyFinished', task: 'succeeded', resumeCalls: 1 });
  });

  it('README shows the example exactly as it is compiled', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const source = readFileSync(resolve(ROOT, 'examples/runpodInMemory.ts'), 'utf8').replaceAll("'../index.js'", "'baton'");
    expect(readme).toContain(source.trim());
  });
});
