import { afterAll, expect } from 'vitest';
import { flushAwsCalls } from './awsCallRecorder.js';

/** Setup file: after each test file, write the AWS calls its bundles made (see awsCallRecorder.ts). */
afterAll(() => {
  flushAwsCalls(expect.getState().testPath);
});
