/**
 * npm run synth — the example CDK app's CloudFormation templates in cdk.out/, offline:
 * no AWS account, no credentials, no lookups, CLI telemetry and notices off. Installs deploy/'s
 * dependencies and builds the Lambda bundles first when they are missing or older than the
 * sources. cdk-nag (AwsSolutions) and CDK's CloudFormation validator run on the final templates;
 * any unacknowledged finding fails it.
 *   npm run synth                    synthesize with the context in deploy/cdk.json
 *   npm run synth -- -c key=value    override a context value (see README "Deploy")
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { handlerNames } from './bundle.js';

const ROOT = resolve(import.meta.dirname, '..');

function run(command: string, args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(command, args, { cwd, env, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Newest modification time of any source file a bundle is built from. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['domain', 'application', 'adapters', 'entrypoints']) walk(join(ROOT, dir));
  return Math.max(newest, statSync(join(ROOT, 'package-lock.json')).mtimeMs);
}

function bundlesAreCurrent(): boolean {
  const since = newestSource();
  return handlerNames().every((name) => {
    const file = join(ROOT, 'dist/lambda', name, 'index.mjs');
    return existsSync(file) && existsSync(`${file}.map`) && statSync(file).mtimeMs >= since;
  });
}

const started = performance.now();
run('bash', [join(ROOT, 'scripts/ensure-deploy-deps.sh')]);
if (!bundlesAreCurrent()) {
  console.log('synth: building the Lambda bundles (missing or older than the sources)');
  run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bundle.ts'), '--quiet']);
}
run(
  join(ROOT, 'deploy/node_modules/.bin/cdk'),
  ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', join(ROOT, 'cdk.out'), ...process.argv.slice(2)],
  join(ROOT, 'deploy'),
  { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
);
const templates = readdirSync(join(ROOT, 'cdk.out')).filter((f) => f.endsWith('.template.json'));
console.log(`synth: ${templates.join(', ')} in cdk.out/ (${((performance.now() - started) / 1000).toFixed(1)} s)`);
