import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { HANDLER_METADATA } from '../lib/BatonFunction.js';

export type Cfn = Record<string, unknown>;
export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
}
export interface Template {
  readonly Resources: Record<string, Resource>;
}

/** The cloud assembly the global setup synthesized. */
export const assemblyDir = (): string => inject('cloudAssembly');

export function template(stack = 'Baton'): Template {
  const file = join(assemblyDir(), `${stack}.template.json`);
  if (!existsSync(file)) throw new Error(`the example app did not synthesize: ${inject('synthError')}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Template;
}

export function resourcesOfType(t: Template, type: string): [string, Resource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

export interface DeployedFunction {
  readonly handler: string;
  readonly logicalId: string;
  readonly resource: Resource;
  /** The role's logical id. */
  readonly roleId: string;
  readonly environment: Record<string, unknown>;
  /** Every Allow statement of every policy attached to the role. */
  readonly statements: Statement[];
  /** The asset directory in the cloud assembly. */
  readonly assetDir: string;
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Policies (inline AWS::IAM::Policy) attached to a role, by its logical id. */
export function statementsOfRole(t: Template, roleId: string): Statement[] {
  return resourcesOfType(t, 'AWS::IAM::Policy')
    .filter(([, p]) => asArray(p.Properties?.['Roles'] as Cfn[]).some((r) => (r as { Ref?: string }).Ref === roleId))
    .flatMap(([, p]) => asArray((p.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement))
    .filter((s) => s.Effect === 'Allow');
}

export const actionsOf = (s: Statement): string[] => asArray(s.Action);
export const resourcesOf = (s: Statement): unknown[] => asArray(s.Resource as unknown[]);

/** Every Lambda function made from a Baton bundle, by handler name (HANDLER_METADATA). */
export function deployedFunctions(t: Template = template()): DeployedFunction[] {
  const assets = JSON.parse(readFileSync(join(assemblyDir(), 'Baton.assets.json'), 'utf8')) as { files: Record<string, { source: { path: string } }> };
  return resourcesOfType(t, 'AWS::Lambda::Function')
    .filter(([, r]) => typeof r.Metadata?.[HANDLER_METADATA] === 'string')
    .map(([logicalId, resource]) => {
      const props = resource.Properties!;
      const roleId = ((props['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'])[0];
      const hash = ((props['Code'] as { S3Key: string }).S3Key).replace(/\.zip$/, '');
      return {
        handler: resource.Metadata![HANDLER_METADATA] as string,
        logicalId,
        resource,
        roleId,
        environment: ((props['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}),
        statements: statementsOfRole(t, roleId),
        assetDir: join(assemblyDir(), assets.files[hash]!.source.path),
      };
    })
    .sort((a, b) => a.handler.localeCompare(b.handler));
}
