import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { deployedFunctions, template, type Template } from './assembly.js';

/**
 * Every function's environment, as the template sets it, passes that handler's own cold-start
 * validation: each synthesized asset is imported under Node 22 with the template's
 * environment, CloudFormation references replaced by plausible values of their kind.
 */
const t = template();
const functions = deployedFunctions(t);
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** A plausible deployed value for `Ref` / `Fn::GetAtt` of a resource of this type. */
function plausible(t: Template, logicalId: string, attribute?: string): string {
  const pseudo: Record<string, string> = { 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  if (logicalId in pseudo) return pseudo[logicalId]!;
  const type = t.Resources[logicalId]?.Type;
  const name = `baton-${logicalId.toLowerCase()}`;
  if (attribute === undefined || attribute === 'Ref') {
    switch (type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
      case 'AWS::ApiGatewayV2::Api':
      case 'AWS::ApiGateway::RestApi':
        return 'a1b2c3d4e5';
      default:
        return name;
    }
  }
  if (attribute === 'Arn') {
    const service = type?.split('::')[1]?.toLowerCase() ?? 'unknown';
    if (type === 'AWS::IAM::InstanceProfile') return `arn:aws:iam::${ACCOUNT}:instance-profile/${name}`;
    return `arn:aws:${service}:${REGION}:${ACCOUNT}:${name}`;
  }
  if (attribute === 'ApiEndpoint') return `https://a1b2c3d4e5.execute-api.${REGION}.amazonaws.com`;
  return `${name}-${attribute.toLowerCase()}`;
}

function resolve(t: Template, value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return plausible(t, v['Ref'] as string);
  if ('Fn::GetAtt' in v) {
    const [id, attr] = v['Fn::GetAtt'] as [string, string];
    return plausible(t, id, attr);
  }
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolve(t, p)).join(sep);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

let cold = 0;
async function coldStart(assetDir: string, env: Record<string, string>): Promise<unknown> {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_') || /^[A-Z][A-Z0-9_]*$/.test(key)) delete process.env[key];
  Object.assign(process.env, { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', PATH: saved.PATH ?? '' }, env);
  cold += 1;
  const module = (await import(/* @vite-ignore */ `${pathToFileURL(join(assetDir, 'index.mjs')).href}?config=${cold}`)) as { handler: unknown };
  return module.handler;
}

const environmentOf = (f: (typeof functions)[number]) =>
  Object.fromEntries(Object.entries(f.environment).map(([k, v]) => [k, resolve(t, v)]));

describe('cold-start configuration of every deployed function', () => {
  it.each(functions.map((f) => [f.handler, f]))('%s accepts the environment the template gives it', async (_, f) => {
    const env = environmentOf(f);
    // NODE_OPTIONS is for the Lambda runtime's own node, not this test process.
    delete env['NODE_OPTIONS'];
    await expect(coldStart(f.assetDir, env)).resolves.toBeTypeOf('function');
  });

  it('the check can fail: a function missing a required variable refuses to start, naming it', async () => {
    const webhook = functions.find((f) => f.handler === 'runpod-webhook')!;
    const { CALLBACK_TABLE_NAME: _dropped, NODE_OPTIONS: _n, ...env } = environmentOf(webhook);
    await expect(coldStart(webhook.assetDir, env)).rejects.toThrow(/CALLBACK_TABLE_NAME is required/);
  });
});

describe('CALLBACK_INDEX_SHARDS', () => {
  it('reaches every function that touches the callbacks table, one value for all (the launchers hand it to the workers)', () => {
    const withTable = functions.filter((f) => 'CALLBACK_TABLE_NAME' in f.environment);
    const handlers = withTable.map((f) => f.handler);

    expect(handlers).toEqual(expect.arrayContaining(['runpod-webhook', 'submit-runpod-job', 'callback-redrive', 'runpod-reconcile', 'execution-ended', 'start-renderer', 'start-uploader']));
    expect(new Set(withTable.map((f) => f.environment['CALLBACK_INDEX_SHARDS']))).toEqual(new Set(['32']));
  });
});
