import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleScope, installAwsCallRecorder } from './awsCallRecorder.js';

const ROOT = resolve(import.meta.dirname, '../..');
let instance = 0;

export type BundledHandler = (event: unknown, context?: unknown) => Promise<unknown>;

/**
 * Loads a built Lambda bundle (`dist/lambda/<name>/index.mjs`) as a fresh module, so each
 * call is a cold start that reads `process.env` as it is now. `npm test` builds the bundles
 * first; when running one file by hand, run `npm run bundle` first.
 * Set the handler's environment (and AWS_ENDPOINT_URL_* for local engines) before calling.
 */
export async function loadBundle(name: string): Promise<BundledHandler> {
  const file = resolve(ROOT, 'dist/lambda', name, 'index.mjs');
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run bundle\` first`);
  instance += 1;
  installAwsCallRecorder();
  // Cold start and every invocation run in the bundle's scope, so its AWS calls are recorded as its own.
  const module = (await bundleScope.run(name, () => import(/* @vite-ignore */ `${pathToFileURL(file).href}?cold=${instance}`))) as {
    handler: BundledHandler;
  };
  return (event, context) => bundleScope.run(name, () => module.handler(event, context));
}

/** A Lambda context good enough for Powertools. */
export const lambdaContext = {
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 30_000,
};
