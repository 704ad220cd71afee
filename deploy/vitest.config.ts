import { defineConfig } from 'vitest/config';

/**
 * The deploy tests: run by `npm test` after the main suite, because the IAM proof reads the
 * AWS calls the main suite's end-to-end tests recorded (dist/aws-calls/). The example app is
 * synthesized once for all of them (test/globalSetup.ts).
 */
export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    // Synthesized assets are the built bundles: Node loads them as they are.
    server: { deps: { external: [/\/asset\.[0-9a-f]{64}\//, /\/dist\/lambda\//] } },
  },
});
