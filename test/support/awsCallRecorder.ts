import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ClientRequest } from 'node:http';
import { join, relative, resolve } from 'node:path';

/**
 * Records the AWS operations each built bundle makes, for the least-privilege proof in
 * `deploy/test/iam.test.ts`.
 *
 * Bundles carry their own SDK, so no middleware in the test process sees their calls; but
 * every SDK request ends in Node's one `http.ClientRequest`. `loadBundle` runs each bundle's
 * cold start and invocations inside `bundleScope`, so a request made while a handler runs
 * is that handler's; requests made by test code (fixtures, assertions) have no scope and are
 * ignored. The operation comes from the wire: the SigV4 credential scope names the service,
 * `X-Amz-Target` (JSON protocols), `Action=` (query protocols: EC2, SNS) or the REST verb and
 * path (S3, Lambda) the operation. The resource is recorded as the name of the handler's
 * environment variable whose value it is (`env:CALLBACK_TABLE_NAME/index/redrive`), so the
 * proof can follow that variable to the resource in the template.
 */
export interface RecordedCall {
  readonly handler: string;
  /** IAM action, e.g. `dynamodb:UpdateItem`, `s3:ListBucket`, `lambda:InvokeFunction`. */
  readonly action: string;
  /** `env:VAR`, `env:VAR/index/NAME`, `env:VAR/<object key>`, or `*` when no variable names it. */
  readonly resource: string;
  /** Request parameters that imply more permissions (`iam:PassRole`, `ec2:CreateTags`). */
  readonly implies?: readonly string[];
}

const ROOT = resolve(import.meta.dirname, '../..');
export const RECORDINGS_DIR = join(ROOT, 'dist/aws-calls');

// One scope and one record per process, even when the test runner re-evaluates this module per file:
// the patch below is installed once and must see the same state as every later `loadBundle`.
const state = ((globalThis as Record<symbol, unknown>)[Symbol.for('baton.awsCallRecorder')] ??= {
  scope: new AsyncLocalStorage<string>(),
  recorded: new Map<string, RecordedCall>(),
}) as { scope: AsyncLocalStorage<string>; recorded: Map<string, RecordedCall> };

export const bundleScope = state.scope;
const recorded = state.recorded;
const PATCHED = Symbol.for('baton.awsCallRecorder.patched');

/** Patches `ClientRequest` once per process; recording only happens inside `bundleScope`. */
export function installAwsCallRecorder(): void {
  const proto = ClientRequest.prototype as unknown as Record<symbol | string, unknown>;
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  const write = ClientRequest.prototype.write;
  const end = ClientRequest.prototype.end;
  const bodies = new WeakMap<ClientRequest, string>();
  const keep = (req: ClientRequest, chunk: unknown) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
      bodies.set(req, (bodies.get(req) ?? '') + Buffer.from(chunk).toString('utf8'));
    }
  };
  ClientRequest.prototype.write = function (this: ClientRequest, chunk: unknown, ...rest: unknown[]) {
    if (bundleScope.getStore() !== undefined) keep(this, chunk);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof write;
  ClientRequest.prototype.end = function (this: ClientRequest, ...args: unknown[]) {
    const handler = bundleScope.getStore();
    if (handler !== undefined) {
      if (typeof args[0] !== 'function') keep(this, args[0]);
      try {
        const call = describe(handler, this, bodies.get(this) ?? '');
        if (call) recorded.set(JSON.stringify(call), call);
      } catch {
        // Not an AWS request (RunPod over fetch never gets here); recording must never break a test.
      }
    }
    return (end as (...a: unknown[]) => ClientRequest).apply(this, args);
  } as typeof end;
}

/** Writes this test file's recorded calls (if any) to dist/aws-calls/, one file per test file. */
export function flushAwsCalls(testPath: string | undefined): void {
  if (recorded.size === 0) return;
  const name = (testPath ? relative(ROOT, testPath) : `pid-${process.pid}`).replace(/[^A-Za-z0-9._-]/g, '_');
  mkdirSync(RECORDINGS_DIR, { recursive: true });
  const calls = [...recorded.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  writeFileSync(join(RECORDINGS_DIR, `${name}.json`), `${JSON.stringify(calls, null, 1)}\n`);
  recorded.clear();
}

/** The environment variables (of the handler, now) whose value is `value`, joined by `|`. */
function envNaming(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const names = Object.entries(process.env)
    .filter(([name, v]) => v === value && !name.startsWith('AWS_') && !name.startsWith('npm_'))
    .map(([name]) => name)
    .sort();
  return names.length === 0 ? undefined : names.join('|');
}

const envResource = (value: string | undefined, suffix = ''): string => {
  const name = envNaming(value);
  return name === undefined ? '*' : `env:${name}${suffix}`;
};

function header(req: ClientRequest, name: string): string {
  const v = req.getHeader(name);
  return Array.isArray(v) ? v.join(',') : v === undefined ? '' : String(v);
}

function describe(handler: string, req: ClientRequest, body: string): RecordedCall | undefined {
  const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(header(req, 'authorization'))?.[1];
  if (service === undefined) return undefined;
  const target = header(req, 'x-amz-target').split('.').pop() ?? '';
  const json = (): Record<string, unknown> => (body.startsWith('{') ? (JSON.parse(body) as Record<string, unknown>) : {});
  const at = (action: string, resource: string, implies?: string[]): RecordedCall => ({
    handler,
    action: `${action}`,
    resource,
    ...(implies && implies.length > 0 ? { implies } : {}),
  });
  switch (service) {
    case 'dynamodb': {
      const input = json();
      const table = input['TableName'] as string | undefined;
      const index = input['IndexName'] as string | undefined;
      if (target === 'TransactWriteItems' || target === 'BatchWriteItem' || target === 'BatchGetItem') {
        // One record per table and inner operation: IAM checks each item's action on its table.
        const first = JSON.stringify(input).match(/"TableName":"([^"]+)"/)?.[1];
        const inner = [...new Set([...JSON.stringify(input).matchAll(/"(Put|Update|Delete|ConditionCheck)":\{/g)].map((m) => m[1]))];
        const implies = inner.map((op) => (op === 'ConditionCheck' ? 'dynamodb:ConditionCheckItem' : `dynamodb:${op}Item`));
        return at(`dynamodb:${target}`, envResource(first), implies);
      }
      return at(`dynamodb:${target}`, envResource(table, index ? `/index/${index}` : ''));
    }
    case 'states': {
      // Task tokens carry no ARN: the resume permissions are granted on the state machines.
      return at(`states:${target}`, '*');
    }
    case 'sqs':
      return at(`sqs:${target}`, envResource(json()['QueueUrl'] as string | undefined));
    case 'secretsmanager':
      return at(`secretsmanager:${target}`, envResource(json()['SecretId'] as string | undefined));
    case 'ecs': {
      const input = json();
      const implies = target === 'RunTask' ? ['iam:PassRole'] : [];
      const resource = target === 'RunTask' ? envResource(input['taskDefinition'] as string) : '*';
      return at(`ecs:${target}`, resource, implies);
    }
    case 'sns': {
      const form = new URLSearchParams(body);
      return at(`sns:${form.get('Action')}`, envResource(form.get('TopicArn') ?? undefined));
    }
    case 'ec2': {
      const form = new URLSearchParams(body);
      const action = form.get('Action') ?? '';
      const implies: string[] = [];
      if ([...form.keys()].some((k) => k.startsWith('IamInstanceProfile.'))) implies.push('iam:PassRole');
      if ([...form.keys()].some((k) => k.startsWith('TagSpecification.'))) implies.push('ec2:CreateTags');
      return at(`ec2:${action}`, '*', implies);
    }
    case 'lambda': {
      const name = decodeURIComponent(/\/functions\/([^/]+)\/invocations/.exec(req.path)?.[1] ?? '');
      return at('lambda:InvokeFunction', envResource(name));
    }
    case 's3':
      return describeS3(handler, req, body);
    default:
      return at(`${service}:${target || req.method}`, '*');
  }
}

/** S3 REST: the verb and the query name the operation; IAM names differ from the API's. */
function describeS3(handler: string, req: ClientRequest, body: string): RecordedCall {
  const url = new URL(req.path, 'http://local');
  const host = header(req, 'host');
  const [first, ...rest] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  // Path style on a local endpoint (bucket first), else virtual-hosted (bucket in the host).
  const virtual = !/^(127\.|localhost|\[)/.test(host);
  const bucket = virtual ? host.split('.')[0]! : first ?? '';
  const pathKey = (virtual ? [first, ...rest] : rest).filter((x) => x !== undefined).join('/');
  // DeleteObjects names its keys in the XML body.
  const key = pathKey || (/<Key>([^<]+)<\/Key>/.exec(body)?.[1] ?? '');
  const q = url.searchParams;
  const resource = (suffix: string) => envResource(bucket, suffix);
  let action: string;
  if (q.has('delete')) action = 's3:DeleteObject';
  else if (pathKey === '' && req.method === 'GET') action = 's3:ListBucket';
  else if (req.method === 'PUT') action = 's3:PutObject';
  else if (req.method === 'DELETE') action = 's3:DeleteObject';
  else action = 's3:GetObject';
  const onObject = action !== 's3:ListBucket';
  return { handler, action, resource: resource(onObject ? `/${key}` : '') };
}
