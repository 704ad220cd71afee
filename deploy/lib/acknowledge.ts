import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A CloudFormation value as cdk-nag names it in a finding (`<Bucket.Arn>/runs/*`). */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const o = node as Record<string, unknown>;
  if (o['Fn::Join']) {
    const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (o['Fn::Sub']) return flatten(o['Fn::Sub']);
  if (o['Fn::GetAtt']) {
    const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (o['Fn::ImportValue']) return flatten(o['Fn::ImportValue']);
  if (o['Ref']) return `<${flatten(o['Ref'])}>`;
  return JSON.stringify(node);
}

/** The resource as cdk-nag's IAM5 finding renders it, or undefined when it has no wildcard. */
export function wildcardOf(scope: IConstruct, resource: string): string | undefined {
  const flat = Token.isUnresolved(resource) ? flatten(Stack.of(scope).resolve(resource)) : resource;
  return flat.includes('*') ? flat : undefined;
}

/** Acknowledges one cdk-nag AwsSolutions finding on `scope` (and below), with the reason it is right here. */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
}

/** Acknowledges the IAM5 findings of wildcard `resources` granted under `scope`, each with `reason`. */
export function acknowledgeWildcards(scope: IConstruct, resources: readonly string[], reason: string): void {
  for (const r of resources) {
    const flat = wildcardOf(scope, r);
    if (flat !== undefined) acknowledge(scope, `IAM5[Resource::${flat}]`, reason);
  }
}
