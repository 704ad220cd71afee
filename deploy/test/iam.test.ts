import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/bundles.js';
import { actionsOf, deployedFunctions, resourcesOf, resourcesOfType, statementsOfRole, template, type Statement, type Template } from './assembly.js';

/**
 * Least privilege, proven both ways, from what the handlers really do.
 *
 * The main suite's end-to-end tests run the built bundles against local engines and record
 * every AWS operation each one makes (test/support/awsCallRecorder.ts → dist/aws-calls/).
 * Here: (1) every recorded operation is granted to that handler's role, on the resource the
 * handler's environment variable names in the template (the table, its index, the queue, the
 * object prefix…); (2) every action granted is one that was recorded, or is on ALLOWED below
 * with the reason no end-to-end test makes it.
 */
interface RecordedCall {
  readonly handler: string;
  readonly action: string;
  readonly resource: string;
  readonly implies?: readonly string[];
}

/** Lambda's SQS event source mapping polls with the function's role (CDK's SqsEventSource grants these). */
const SQS_POLLING = Object.fromEntries(
  ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].map((a) => [
    a,
    'Lambda\'s SQS event source mapping polls and deletes with the function\'s role; the handler itself never calls SQS.',
  ]),
);

/** Granted but not seen in the e2e suite, by handler → action → why. */
const ALLOWED: Record<string, Record<string, string>> = {
  '*': {
    'logs:CreateLogStream': 'The Lambda runtime writes the function\'s logs with its role, to its own log group; the handler never calls CloudWatch Logs.',
    'logs:PutLogEvents': 'As logs:CreateLogStream.',
  },
  'submit-runpod-job': {
    'dynamodb:DeleteItem': 'discardPending when RunPod refuses the job: covered on DynamoDB Local by the CallbackMappings contract suite, not by a bundle e2e test.',
    'secretsmanager:GetSecretValue': 'The deployed function reads the RunPod key from Secrets Manager; the e2e test passes RUNPOD_API_KEY (the secret path is unit-tested in test/runpod/secretApiKey.test.ts).',
    's3:GetObject': 'Presigned GET URLs are signed locally and used by RunPod with this role\'s permission: no request from the handler.',
    's3:PutObject': 'Presigned PUT URLs, as s3:GetObject.',
  },
  'runpod-reconcile': {
    'secretsmanager:GetSecretValue': 'Deployed with the key in Secrets Manager; the e2e test passes RUNPOD_API_KEY (the secret path is unit-tested in test/runpod/secretApiKey.test.ts).',
  },
  'execution-ended': {
    'secretsmanager:GetSecretValue': 'Deployed with the key in Secrets Manager; the e2e test passes RUNPOD_API_KEY (the secret path is unit-tested in test/runpod/secretApiKey.test.ts).',
  },
  'get-job-status': {
    's3:GetObject': 'Presigned output links are signed locally and fetched by the client with this role\'s permission.',
  },
  'start-renderer': {
    'dynamodb:GetItem': 'A repeated delivery of the same task reads the mapping it made (LaunchWorker): unit-tested, and the read is in the CallbackMappings contract suite on DynamoDB Local.',
  },
  'start-uploader': {
    'dynamodb:GetItem': 'As start-renderer.',
  },
  'update-job-status': SQS_POLLING,
  'dispatch-to-ecs': {
    ...SQS_POLLING,
    'dynamodb:GetItem': 'DynamoDbDispatches.find, read when a delivery repeats: covered by the Dispatches contract suite on DynamoDB Local.',
    'ecs:StopTask': 'Stops a duplicate task nobody records (a launch that outlived its lease): the ContainerTasks contract suite sends StopTask over the wire; the race is an fc.scheduler test.',
  },
  worker: {
    'states:SendTaskFailure': 'A worker reporting its own failure (reportFailure): unit-tested on in-memory adapters; the e2e worker succeeds.',
  },
  'callback-redrive': {
    'states:SendTaskFailure': 'A redriven outcome that is a failure (RunPod FAILED, a worker\'s error): the webhook e2e records the call; the redrive e2e drives a success.',
  },
};

/** Handlers that run another handler's code path, so its recording stands for theirs. */
const RECORDED_AS: Record<string, { readonly as: string; readonly why: string }> = {
  'start-uploader': { as: 'start-renderer', why: 'Both are launchWorkerLambda(role) with the same calls; the e2e test launches the renderer.' },
};

function recordings(): RecordedCall[] {
  const dir = join(REPO_ROOT, 'dist/aws-calls');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RecordedCall[]);
}

/** IAM has no TransactWriteItems action: each item's own action is checked. */
const requiredActions = (c: RecordedCall): string[] =>
  c.action === 'dynamodb:TransactWriteItems' ? [...(c.implies ?? [])] : [c.action, ...(c.implies ?? [])];

const grants = (s: Statement, action: string) =>
  actionsOf(s).some((a) => a === action || (a.endsWith('*') && action.startsWith(a.slice(0, -1))));

/** Logical ids a CloudFormation value refers to. */
function refs(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  const v = value as Record<string, unknown>;
  if (typeof v['Ref'] === 'string') return [v['Ref']];
  if (Array.isArray(v['Fn::GetAtt'])) return [(v['Fn::GetAtt'] as string[])[0]!];
  return Object.values(v).flatMap((x) => (Array.isArray(x) ? x.flatMap(refs) : refs(x)));
}

/** A CloudFormation value as text, references as `<Id>` (for suffix and literal checks). */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return `<${String(v['Ref'])}>`;
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flat).join(sep);
  }
  return JSON.stringify(value);
}

const glob = (pattern: string, text: string) =>
  new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(text);

/**
 * Does `resource` (a statement's) cover what the handler touched: the entity its variable
 * names (same logical id, or the literal inside the ARN), with the recorded suffix (an index,
 * an object key) matching what follows it?
 */
function covers(resource: unknown, envValue: unknown, suffix: string): boolean {
  const envRefs = refs(envValue);
  const text = flat(resource);
  let rest: string | undefined;
  if (envRefs.length > 0) {
    if (!refs(resource).some((r) => envRefs.includes(r))) return false;
    const at = text.indexOf('>');
    rest = text.slice(at + 1);
  } else {
    const literal = flat(envValue);
    const at = text.indexOf(literal);
    if (at < 0) return false;
    rest = text.slice(at + literal.length);
  }
  if (suffix.startsWith('/index/')) return glob(rest, suffix);
  if (suffix === '') return rest === '' || /^-\?{6}$/.test(rest) || /^:\*$/.test(rest);
  return glob(rest, suffix);
}

const t: Template = template();
const functions = deployedFunctions(t);
const calls = recordings();

/** The deployed roles whose calls were recorded, by recording name: every function, and the Spot workers' instance role. */
function principals(): { name: string; statements: Statement[]; environment: Record<string, unknown> }[] {
  const [, profile] = resourcesOfType(t, 'AWS::IAM::InstanceProfile')[0]!;
  const workerRole = ((profile.Properties!['Roles'] as { Ref: string }[])[0]!).Ref;
  const renderer = functions.find((f) => f.handler === 'start-renderer')!;
  return [
    ...functions.map((f) => ({ name: f.handler, statements: f.statements, environment: f.environment })),
    // The worker runs with the environment start-renderer writes into user-data: its table is the launcher's.
    { name: 'worker', statements: statementsOfRole(t, workerRole), environment: { CALLBACK_TABLE_NAME: renderer.environment['CALLBACK_TABLE_NAME'] } },
  ];
}

describe('least privilege, proven from the recorded calls', () => {
  it('has recordings from the end-to-end suite (npm test runs it first)', () => {
    expect(calls.length, 'dist/aws-calls/ is empty: run `npm test`, or the e2e tests (`npx vitest run e2e`), first').toBeGreaterThan(0);
  });

  it.each(principals().map((p) => [p.name, p]))('%s: every recorded call is granted, on the resource its variable names', (_, p) => {
    const mine = calls.filter((c) => c.handler === (RECORDED_AS[p.name]?.as ?? p.name));
    const problems: string[] = [];
    for (const call of mine) {
      for (const action of requiredActions(call)) {
        const granting = p.statements.filter((s) => grants(s, action));
        if (granting.length === 0) {
          problems.push(`${action} is not granted (recorded on ${call.resource})`);
          continue;
        }
        if (!call.resource.startsWith('env:') || action !== call.action) continue;
        const [names, ...suffixParts] = call.resource.slice(4).split('/');
        const suffix = suffixParts.length > 0 ? `/${suffixParts.join('/')}` : '';
        const variable = names!.split('|').find((n) => n in p.environment);
        if (variable === undefined) {
          problems.push(`${action}: the recorded resource is named by ${names}, which the template does not set`);
          continue;
        }
        const ok = granting.some((s) => resourcesOf(s).some((r) => covers(r, p.environment[variable], suffix)));
        if (!ok) problems.push(`${action} on ${call.resource}: granted only on ${granting.flatMap(resourcesOf).map(flat).join(', ')}`);
      }
    }
    expect(problems, `grant it with BatonFunction.allow in deploy/lib/ (or fix the resource it is granted on)`).toEqual([]);
  });

  it.each(principals().map((p) => [p.name, p]))('%s: every granted action was recorded, or is allowed with a reason', (_, p) => {
    const recorded = new Set(calls.filter((c) => c.handler === (RECORDED_AS[p.name]?.as ?? p.name)).flatMap(requiredActions));
    const allowed = { ...ALLOWED['*'], ...ALLOWED[p.name] };
    const granted = [...new Set(p.statements.flatMap(actionsOf))].sort();
    expect(
      granted.filter((a) => !recorded.has(a) && !(a in allowed)),
      'granted but never called in the e2e suite: remove the grant, or add it to ALLOWED with the reason no e2e test makes the call',
    ).toEqual([]);
    // The allow-list stays short and true: nothing on it that the suite does record.
    expect(Object.keys(ALLOWED[p.name] ?? {}).filter((a) => recorded.has(a))).toEqual([]);
  });

  it('the proof can fail: an ungranted call and an unrecorded grant are both caught', () => {
    const table = { Ref: 'CallbacksTable' };
    const statement: Statement = { Effect: 'Allow', Action: ['dynamodb:UpdateItem'], Resource: { 'Fn::GetAtt': ['CallbacksTable', 'Arn'] } };
    expect(covers(statement.Resource, table, '')).toBe(true);
    expect(covers(statement.Resource, table, '/index/redrive')).toBe(false);
    expect(covers(statement.Resource, { Ref: 'JobsTable' }, '')).toBe(false);
    expect(covers({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Media', 'Arn'] }, '/runs/*']] }, { Ref: 'Media' }, '/runs/job-1/a.mp4')).toBe(true);
    expect(covers({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Media', 'Arn'] }, '/runs/*']] }, { Ref: 'Media' }, '/other/a.mp4')).toBe(false);
    expect(grants(statement, 'dynamodb:DeleteItem')).toBe(false);
  });
});
