import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { assemblyDir } from './assembly.js';

interface Violation {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs: { constructPath: string }[];
}
interface Report {
  readonly pluginReports: { pluginName: string; conclusion: string; violations: Violation[] }[];
}

/** `rule: path, path` for each finding nobody acknowledged. */
function unacknowledged(dir: string): string[] {
  const file = join(dir, 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  return report.pluginReports.flatMap((p) =>
    p.violations.map((v) => `${p.pluginName} ${v.ruleName} (${v.severity}): ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`),
  );
}

describe('cdk-nag AwsSolutions and the CloudFormation validator', () => {
  it('leave no unacknowledged finding on the example app', () => {
    expect(unacknowledged(assemblyDir())).toEqual([]);
  });

  it('every acknowledgement says why, in words', () => {
    const metadata = JSON.parse(readFileSync(join(assemblyDir(), 'Baton.metadata.json'), 'utf8')) as Record<string, { type: string; data: Record<string, string> }[]>;
    const acknowledged = Object.entries(metadata).flatMap(([path, entries]) =>
      entries.filter((e) => e.type === 'aws:cdk:acknowledged-rules').flatMap((e) => Object.entries(e.data).map(([id, reason]) => ({ path, id, reason }))),
    );
    const nag = acknowledged.filter((a) => a.id.includes('AwsSolutions-'));
    expect(nag.length).toBeGreaterThan(0);
    for (const a of nag) expect(a.reason.split(' ').length, `${a.path} ${a.id}`).toBeGreaterThanOrEqual(6);
  });

  it('would catch a wildcard grant nobody justified (the check can fail)', () => {
    const outdir = join(assemblyDir(), 'nag-control');
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Control');
    new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
      new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }),
    );
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
    expect(unacknowledged(outdir).join('\n')).toMatch(/AwsSolutions-IAM5\[Action::dynamodb:\*\]/);
  });
});
