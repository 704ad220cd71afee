import { inject, describe, expect, it } from 'vitest';
import { packageOf } from '../../bench/cpuProfile.js';
import { DEFAULT_OPTIONS, webhookSideBySide } from '../../bench/sideBySide.js';

describe('webhook side-by-side benchmark (npm run bench -- webhook)', () => {
  it('groups profile entries by the package their bundled module came from', () => {
    expect(packageOf('node_modules/@smithy/core/dist-es/submodules/protocols/x.js')).toBe('@smithy/core');
    expect(packageOf('node_modules/neverthrow/dist/index.es.js')).toBe('neverthrow');
    expect(packageOf('adapters/logging/redact.ts')).toBe('baton adapters/');
  });

  it('runs at tiny scale: both designs answer, Baton resumes each raced callback exactly once', { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const report = await webhookSideBySide({
      ...DEFAULT_OPTIONS,
      rounds: 1,
      deliveries: 6,
      concurrency: 3,
      warmup: 1,
      racedCallbacks: 2,
      racers: 4,
      coldRuns: 1,
      profileDeliveries: 6,
      top: 3,
      dynamoDbEndpoint: inject('dynamoDbEndpoint'),
      print: (line) => lines.push(line),
    });

    expect(report.statuses).toEqual({ baton: { '200': 12 }, seed: { '200': 12 } });
    expect(report.resumesPerRacedCallback.baton).toEqual([1, 1]);
    expect(report.notExactlyOnce).toEqual([]);
    expect(report.resumesPerRacedCallback.seed.every((n) => n >= 1)).toBe(true);
    for (const r of Object.values(report.ratios)) expect(r).toBeGreaterThan(0);
    const text = lines.join('\n');
    expect(text).toContain('| Node CPU per first delivery |');
    expect(text).toContain('### Profile: self time per first delivery by package');
  });
});
