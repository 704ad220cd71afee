import { inject, describe, expect, it } from 'vitest';
import { packageOf } from '../../bench/cpuProfile.js';
import { DEFAULT_OPTIONS, webhookSideBySide } from '../../bench/sideBySide.js';

describe('webhook side-by-side benchmark (npm run bench -- webhook)', () => {
  it('groups profile entries by the package their bundled module came from', () => {
    expect(packageOf('node_modules/@smithy/core/dist-es/submodules/protocols/x.js')).toBe('@smithy/core');
    expect(packageOf('node_modules/neverthrow/dist/index.es.js')).toBe('neverthrow');
    expect(packageOf('adapters/logging/redact.ts')).toBe('baton adapters/');
    expect(packageOf('bench/safePlainWebhook.ts')).toBe('the design file (bench/)');
  });

  it('runs at tiny scale: every design answers in both modes, Baton and the safe design resume each raced callback exactly once', { timeout: 180_000 }, async () => {
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

    // One round of 6 first deliveries and 6 duplicates, with 3 processes per design, then with 1.
    expect(report.statuses).toEqual({ baton: { '200': 24 }, safe: { '200': 24 }, seed: { '200': 24 } });
    expect(report.modes.map((m) => m.processes)).toEqual([3, 1]);
    expect(report.resumesPerRacedCallback.baton).toEqual([1, 1]);
    expect(report.resumesPerRacedCallback.safe).toEqual([1, 1]);
    expect(report.notExactlyOnce).toEqual([]);
    expect(report.resumesPerRacedCallback.seed.every((n) => n >= 1)).toBe(true);
    for (const mode of report.modes) {
      for (const pair of Object.values(mode.ratios)) for (const r of Object.values(pair)) expect(r).toBeGreaterThan(0);
    }
    // The plain safe design carries no Baton code or library: its bundle is the seed's size, not Baton's.
    expect(report.bundleBytes.safe / report.bundleBytes.seed).toBeLessThan(1.1);
    expect(report.bundleBytes.baton).toBeGreaterThan(report.bundleBytes.safe);
    const text = lines.join('\n');
    expect(text).toContain('| Node CPU per first delivery, 3 processes per design |');
    expect(text).toContain('| Node CPU per first delivery, 1 process per design |');
    expect(text).toContain('| safe ÷ seed (floor) | Baton ÷ safe (layers) |');
    expect(text).toContain('### Profile: self time per first delivery by package');
  });
});
