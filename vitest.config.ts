import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only fight DynamoDB Local for CPU.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
