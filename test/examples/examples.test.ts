import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as jobApiInMemory } from '../../examples/jobApiInMemory.js';
import { main as runpodInMemory } from '../../examples/runpodInMemory.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('examples (README snippets are these files, compiled and run)', () => {
  it('runpodInMemory: two reports, one resume', async () => {
    expect(await runpodInMemory()).toEqual({ first: 'Resumed', again: 'AlreadyFinished', task: 'succeeded', resumeCalls: 1 });
  });

  it('jobApiInMemory: submitted, completed, a late report refused, a link to the output', async () => {
    const result = await jobApiInMemory();

    expect(result).toEqual({
      jobId: expect.any(String),
      submitted: 'submitted',
      done: 'completed',
      late: 'JobStatusRefused',
      status: 'completed',
      url: expect.stringContaining(`${result.jobId}.mp4`),
    });
  });

  it('README shows the Python renderer (examples/python/src/renderer/main.py, run in test/pipeline/mangaPipelinePython.test.ts) exactly', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const source = readFileSync(resolve(ROOT, 'examples/python/src/renderer/main.py'), 'utf8');
    expect(readme).toContain(`\`\`\`python\n${source.trim()}\n\`\`\``);
  });

  // The consumer programs compiled and run against the packed library by test/package/consumer.test.ts.
  it.each(['lambda', 'aws'])('README shows test/package/consumer/src/%s.ts exactly', (name) => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const source = readFileSync(resolve(ROOT, `test/package/consumer/src/${name}.ts`), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${source.trim()}\n\`\`\``);
  });

  it('ARCHITECTURE shows entrypoints/lambda/runpod-webhook.ts (bundled and run by the e2e tests) exactly', () => {
    const architecture = readFileSync(resolve(ROOT, 'ARCHITECTURE.md'), 'utf8');
    const source = readFileSync(resolve(ROOT, 'entrypoints/lambda/runpod-webhook.ts'), 'utf8');
    expect(architecture).toContain(`\`\`\`ts\n${source.trim()}\n\`\`\``);
  });

  it.each(['runpodInMemory', 'jobApiInMemory'])('README shows examples/%s.ts exactly as it is compiled', (name) => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const source = readFileSync(resolve(ROOT, `examples/${name}.ts`), 'utf8').replaceAll("'../index.js'", "'baton'").replaceAll("'../exports/testing.js'", "'baton/testing'");
    expect(readme).toContain(source.trim());
  });
});
