import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    // Records the AWS calls of every bundle a test loads, for deploy/test/iam.test.ts; and
    // captures the JSON logs bundled handlers write to stdout/stderr (tests read them there).
    setupFiles: ['test/support/recordAwsCalls.ts', 'test/support/handlerLogsSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only fight DynamoDB Local for CPU.
    maxWorkers: 2,
    // Built Lambda bundles are loaded by Node as they are: transforming 500 KiB of minified
    // code per cold start would only slow the suite down.
    server: { deps: { external: [/\/dist\/lambda\//] } },
  },
});
