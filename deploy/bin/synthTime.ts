/**
 * One timed synthesis of the example app in this fresh process, for `npm run bench`:
 *   node --import tsx deploy/bin/synthTime.ts plain|nag|validated
 * Prints `{ "constructMs", "synthMs", "totalMs" }` (total includes loading aws-cdk-lib).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const started = performance.now();
const mode = process.argv[2] ?? 'plain';
const { batonApp } = await import('./app.js');
const outdir = mkdtempSync(join(tmpdir(), 'baton-synth-'));
const built = performance.now();
const { app } = batonApp({ outdir, nag: mode !== 'plain', builtinCloudFormationValidation: mode === 'validated' });
const constructed = performance.now();
app.synth();
const done = performance.now();
rmSync(outdir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ constructMs: constructed - built, synthMs: done - constructed, totalMs: done - started }));
