import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, LAYERS, layerSources, layerViolations } from './layerRules.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('layer rules', () => {
  it.each(LAYERS)('%s imports only what its layer may', (layer) => {
    const files = layerSources(ROOT, [layer]);

    expect(files.length).toBeGreaterThan(10);
    expect(layerViolations(files)).toEqual([]);
  });
});

describe('the layer check is live: each planted violation is reported', () => {
  it.each([
    ['domain importing an adapter', 'domain/callbacks/Planted.ts', `import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';`, 'domain/callbacks/Planted.ts imports adapters/ (../../adapters/dynamodb/DynamoDbCallbackMappings.js)'],
    ['domain importing application', 'domain/Planted.ts', `export type { Clock } from '../application/ports/Clock.js';`, 'domain/Planted.ts imports application/ (../application/ports/Clock.js)'],
    ['application importing an SDK type', 'application/callbacks/Planted.ts', `import type { SFNClient } from '@aws-sdk/client-sfn';`, 'application/callbacks/Planted.ts imports package @aws-sdk/client-sfn'],
    ['application importing the SDK lazily', 'application/Planted.ts', `const s3 = await import('@aws-sdk/client-s3');`, 'application/Planted.ts imports package @aws-sdk/client-s3'],
    ['domain importing a package for its side effects', 'domain/Planted.ts', `import 'reflect-metadata';`, 'domain/Planted.ts imports package reflect-metadata'],
    ['application importing the composition root', 'application/jobs/Planted.ts', `import { container } from '../../entrypoints/container.js';`, 'application/jobs/Planted.ts imports entrypoints/ (../../entrypoints/container.js)'],
    ['an adapter importing a handler', 'adapters/dynamodb/Planted.ts', `import { handler } from '../../entrypoints/lambda/submit-job.js';`, 'adapters/dynamodb/Planted.ts imports entrypoints/ (../../entrypoints/lambda/submit-job.js)'],
    ['domain reading the environment', 'domain/jobs/Planted.ts', `export const quota = Number(process.env['DAILY_QUOTA']);`, 'domain/jobs/Planted.ts reads process.env'],
    ['application reading the environment', 'application/Planted.ts', `const { TABLE } = process.env;`, 'application/Planted.ts reads process.env'],
    ['a decorated use-case', 'application/jobs/Planted.ts', `@injectable()\nexport class SubmitJob {}`, 'application/jobs/Planted.ts uses a decorator'],
    ['a decorated constructor parameter', 'application/jobs/Planted.ts', `export class SubmitJob {\n  constructor(@inject(Jobs) private readonly jobs: unknown) {}\n}`, 'application/jobs/Planted.ts uses a decorator'],
  ])('%s', (_, path, source, expected) => {
    expect(layerViolations([{ path, source }])).toEqual([expected]);
  });

  it('passes what each layer may do, and what comments merely mention', () => {
    const allowed = [
      { path: 'domain/jobs/Ok.ts', source: `import { ok } from 'neverthrow';\nimport { isoSeconds } from '../shared/time.js';\n/** Never reads process.env; see @example(below). */\n// process.env is read once, in entrypoints/\nconst mail = 'dev@baton.invalid';` },
      { path: 'application/jobs/Ok.ts', source: `import * as v from 'valibot';\nimport type { Jobs } from '../ports/Jobs.js';\nimport { aJob } from '../../domain/jobs/Job.js';` },
      { path: 'adapters/dynamodb/Ok.ts', source: `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport type { Jobs } from '../../application/ports/Jobs.js';\nconst region = process.env['AWS_REGION'];` },
      { path: 'entrypoints/lambda/ok.ts', source: `import { injectable } from 'inversify';\nconst table = process.env['TABLE'];` },
    ];
    expect(layerViolations(allowed)).toEqual([]);
  });

  it('reports a violation planted in a file on disk, as the suite reads the tree', () => {
    const root = mkdtempSync(join(tmpdir(), 'baton-layers-'));
    try {
      mkdirSync(join(root, 'domain/callbacks'), { recursive: true });
      mkdirSync(join(root, 'application'));
      mkdirSync(join(root, 'adapters'));
      writeFileSync(join(root, 'domain/callbacks/Planted.ts'), `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n`);

      expect(layerViolations(layerSources(root))).toEqual(['domain/callbacks/Planted.ts imports package @aws-sdk/client-dynamodb']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds every kind of import', () => {
    const source = [
      `import { X } from '../../adapters/foo.js';`,
      `import type { Y } from './y.js';`,
      `export { Z } from '../z.js';`,
      `import 'side-effect';`,
      `const lazy = await import('lazy');`,
      `// import { commented } from 'out';`,
    ].join('\n');
    expect(importsOf(source)).toEqual(['../../adapters/foo.js', './y.js', '../z.js', 'side-effect', 'lazy']);
  });
});
