import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { batonApp } from '../bin/app.js';

declare module 'vitest' {
  export interface ProvidedContext {
    cloudAssembly: string;
    synthError: string;
    synthSeconds: number;
  }
}

/**
 * Synthesizes the example app once for every deploy test: cdk-nag's AwsSolutions pack and
 * CDK's built-in CloudFormation validator both run here, on the final template. A failed
 * validation is handed to the tests (which print its report) rather than thrown here.
 */
export default function setup(project: TestProject): () => void {
  const outdir = mkdtempSync(join(tmpdir(), 'baton-cdk-'));
  const started = performance.now();
  let error = '';
  try {
    batonApp({ outdir, builtinCloudFormationValidation: true }).app.synth();
  } catch (e) {
    error = String(e);
  }
  project.provide('cloudAssembly', outdir);
  project.provide('synthError', error);
  project.provide('synthSeconds', (performance.now() - started) / 1000);
  return () => rmSync(outdir, { recursive: true, force: true });
}
