/**
 * The safe design written plainly: exactly the AWS calls and guarantees of Baton's
 * `runpod-webhook`, with none of Baton's code and no library beyond the two SDK clients (no
 * Powertools, inversify, neverthrow, valibot, lib-dynamodb). The benchmark's measure of what
 * the guarantee itself costs against seed 001's unsafe design (bench/seed001Webhook.ts), apart
 * from what Baton's layers cost. Not a product entry point.
 *
 * The claim is one UpdateItem, PENDING → ACCEPTED with the outcome stored, conditioned on the
 * status (and the channel); a lost condition answers from the item DynamoDB returns with it.
 * Only the winner calls Step Functions, then records COMPLETED/FAILED (or EXPIRED/REFUSED),
 * conditioned on ACCEPTED. A Step Functions outage answers 202 with the outcome kept (the
 * redrive resumes it). Same item shape, status codes and answers as Baton's webhook; logs are
 * the same two INFO records per delivery, as `console.log` JSON lines, the callback token as
 * Baton logs it (a SHA-256 fingerprint, never in clear). Plain clients: no per-attempt timeouts
 * and no invocation deadline (those are Baton's, counted with its layers).
 *
 * With `SAFE_READ_FIRST=true` (`BENCH_SAFE_READ_FIRST=1 npm run bench -- webhook`) it reads
 * before it claims: a consistent GetItem, and only a PENDING item goes on to the claim, so a
 * repeat of a finished callback is a successful read, as in the seed, instead of a lost
 * conditional write. The claim still decides every race. The price is one more call on every
 * first delivery: the bench's measure of that trade.
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';

const TABLE = process.env['CALLBACK_TABLE_NAME'];
if (!TABLE) throw new Error('CALLBACK_TABLE_NAME is required');
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 } as const;
const level = LEVELS[(process.env['LOG_LEVEL'] ?? 'INFO').toUpperCase() as keyof typeof LEVELS] ?? LEVELS.INFO;
/** Read before claiming (see the header). */
const READ_FIRST = process.env['SAFE_READ_FIRST'] === 'true';
/** Shards of the sparse `redrive` index, as Baton's writers place a claim (`CALLBACK_INDEX_SHARDS`, default 32). */
const SHARDS = Number(process.env['CALLBACK_INDEX_SHARDS'] ?? 32);

const dynamodb = new DynamoDBClient({});
const sfn = new SFNClient({});

/** Step Functions' limits on what SendTaskSuccess/Failure carry. */
const MAX_OUTPUT_BYTES = 262_144;
const MAX_OUTPUT_DEPTH = 128;
const MAX_ERROR_CHARS = 256;
const MAX_CAUSE_CHARS = 32_768;
const MAX_BODY_BYTES = 6 * 1024 * 1024;
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);
/** Step Functions' answers that mean the token can never be used again. */
const GONE = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);
/** 4xx answers that pass by themselves (kept for the redrive, like 5xx and network faults). */
const PASSING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'KmsThrottlingException',
  'ExpiredTokenException',
  'RequestExpired',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const HEADERS = {
  'content-type': 'application/json',
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'content-type,idempotency-key,authorization',
  'access-control-allow-methods': 'GET,POST,OPTIONS',
};

interface Event {
  rawPath?: string;
  path?: string;
  pathParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}
interface Context {
  awsRequestId?: string;
}
type Item = Record<string, AttributeValue>;
type Outcome = { kind: 'success'; output: string } | { kind: 'failure'; error: string; cause: string };
interface Fault {
  name?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  Item?: Item;
}

let requestId: string | undefined;

function log(at: keyof typeof LEVELS, message: string, fields: Record<string, unknown>): void {
  if (LEVELS[at] < level) return;
  const record = { level: at, message, timestamp: new Date().toISOString(), service: 'runpod-webhook', request_id: requestId, ...fields };
  console.log(JSON.stringify(record));
}

function reply(statusCode: number, body: Record<string, unknown>) {
  return { statusCode, headers: HEADERS, body: JSON.stringify(body) };
}

function refuse(statusCode: number, code: string, message: string) {
  return reply(statusCode, { error: { code, message }, timestamp: new Date().toISOString(), ...(requestId ? { requestId } : {}) });
}

const isoSeconds = (at: Date) => `${at.toISOString().slice(0, 19)}Z`;
const clamp = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 12)}…[truncated]`);
const fingerprint = (token: string) => `fp:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;

/** The `redrive` index partition of a claim: FNV-1a over the (ASCII) token, mod the shards. */
function redrivePartition(token: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < token.length; i += 1) hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
  return `ACCEPTED#${(hash >>> 0) % SHARDS}`;
}

function depthOver(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** What Step Functions receives, within its limits: an output too large or too deep becomes a marker. */
function outcomeOf(body: Record<string, unknown>, id: string, status: string): Outcome {
  if (status === 'COMPLETED') {
    const payload: Record<string, unknown> = { job_id: id, status, output: body['output'] ?? null };
    if (typeof body['delayTime'] === 'number') payload['delay_time_ms'] = body['delayTime'];
    if (typeof body['executionTime'] === 'number') payload['execution_time_ms'] = body['executionTime'];
    if (depthOver(payload, MAX_OUTPUT_DEPTH + 1)) return { kind: 'success', output: JSON.stringify({ job_id: id, status, output: null, output_truncated: true, output_too_deep: true }) };
    const output = JSON.stringify(payload);
    const bytes = Buffer.byteLength(output);
    if (bytes <= MAX_OUTPUT_BYTES) return { kind: 'success', output };
    return { kind: 'success', output: JSON.stringify({ job_id: id, status, output: null, output_truncated: true, output_bytes: bytes }) };
  }
  const error = body['error'] ?? body['output'];
  const cause =
    error === undefined
      ? `RunPod job ${id} ${status}`
      : typeof error === 'string'
        ? error
        : depthOver(error, MAX_OUTPUT_DEPTH)
          ? `[error nested deeper than ${MAX_OUTPUT_DEPTH} levels]`
          : (JSON.stringify(error) ?? String(error));
  return { kind: 'failure', error: clamp(status, MAX_ERROR_CHARS), cause: clamp(cause, MAX_CAUSE_CHARS) };
}

/** Invalid input, or undefined: the body's fields as Baton's schema checks them. */
function invalid(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const b = body as Record<string, unknown>;
  if (typeof b['id'] !== 'string' || b['id'].length < 1 || b['id'].length > 256) return 'id must be a string of 1 to 256 characters';
  if (typeof b['status'] !== 'string' || !TERMINAL.has(b['status'])) return `status must be one of ${[...TERMINAL].join(', ')}`;
  if (b['delayTime'] !== undefined && typeof b['delayTime'] !== 'number') return 'delayTime must be a number';
  if (b['executionTime'] !== undefined && typeof b['executionTime'] !== 'number') return 'executionTime must be a number';
  return undefined;
}

export async function handler(event: Event, context: Context = {}) {
  requestId = context.awsRequestId;
  const raw = event.body ?? '';
  const text = event.isBase64Encoded === true ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return refuse(413, 'PayloadTooLarge', 'the body is too large');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return refuse(400, 'InvalidJson', 'the body is not valid JSON');
  }
  const token = event.pathParameters?.['callback_token'] ?? (event.rawPath ?? event.path ?? '').split('/').filter(Boolean).at(-1);
  if (typeof token !== 'string' || !/^[0-9a-f]{64}$/.test(token)) return refuse(400, 'InvalidRequest', 'callback_token must be 64 lowercase hex characters');
  const problem = invalid(body);
  if (problem) return refuse(400, 'InvalidRequest', problem);
  const report = body as Record<string, unknown> & { id: string; status: string };
  const fp = fingerprint(token);
  log('INFO', 'Processing RunPod job', { job_id: report.id, status: report.status, callback_token: fp });
  try {
    return await complete(token, fp, outcomeOf(report, report.id, report.status));
  } catch (fault) {
    log('ERROR', 'Error processing webhook', { error: fault instanceof Error ? `${fault.name}: ${fault.message}` : String(fault) });
    return refuse(503, 'ServiceUnavailable', 'could not record the callback; retry');
  }
}

/** The claim, then (for its winner alone) the resume. */
async function complete(token: string, fp: string, outcome: Outcome) {
  const result: AttributeValue =
    outcome.kind === 'success'
      ? { M: { outcome: { S: 'success' }, output: { S: outcome.output } } }
      : { M: { outcome: { S: 'failure' }, error: { S: outcome.error }, cause: { S: outcome.cause } } };
  if (READ_FIRST) {
    const { Item: current } = await dynamodb.send(
      new GetItemCommand({ TableName: TABLE, Key: { callback_token: { S: token } }, ConsistentRead: true }),
    );
    if (current?.['status']?.S !== 'PENDING') return repeated(fp, current);
  }
  let old: Item;
  try {
    const claimed = await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { callback_token: { S: token } },
        UpdateExpression: 'SET #status = :accepted, accepted_at = :at, #result = :result, redrive_pk = :redrive REMOVE reconcile_pk',
        ConditionExpression: '#status = :pending AND (attribute_not_exists(#channel) OR #channel = :channel)',
        ExpressionAttributeNames: { '#status': 'status', '#result': 'result', '#channel': 'channel' },
        ExpressionAttributeValues: {
          ':accepted': { S: 'ACCEPTED' },
          ':pending': { S: 'PENDING' },
          ':channel': { S: 'runpod' },
          ':at': { S: isoSeconds(new Date()) },
          ':result': result,
          ':redrive': { S: redrivePartition(token) },
        },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    old = claimed.Attributes!;
  } catch (fault) {
    if ((fault as Fault).name !== 'ConditionalCheckFailedException') throw fault;
    return repeated(fp, (fault as Fault).Item);
  }
  return resume(token, fp, old, outcome);
}

/** A lost claim, answered from the item as it was. */
function repeated(fp: string, item: Item | undefined) {
  const channel = item?.['channel']?.S;
  if (item === undefined || (channel !== undefined && channel !== 'runpod')) {
    log('WARN', 'Callback token not found in DynamoDB', { callback_token: fp });
    return refuse(404, 'CallbackNotFound', 'callback token not found');
  }
  const status = item['status']?.S;
  const fields = { job_id: item['job_id']?.S, exec_id: item['exec_id']?.S, callback_token: fp, status };
  const answer = { callback_status: status, job_id: item['job_id']?.S ?? null };
  switch (status) {
    case 'COMPLETED':
    case 'FAILED':
      log('INFO', 'Callback already completed, returning success', fields);
      return reply(200, { status: 'already_completed', ...answer });
    case 'ACCEPTED':
    case 'REFUSED':
      log('INFO', 'Callback already accepted, resume in progress', fields);
      return reply(202, { status: 'accepted', ...answer });
    case 'EXPIRED':
    case 'ABANDONED':
      log('INFO', 'Task token expired for callback', fields);
      return refuse(410, 'TaskTokenExpired', 'the workflow is no longer waiting for this callback');
    default:
      throw new Error(`a ${String(status)} callback refused its claim`);
  }
}

/** SendTaskSuccess/Failure with the claimed item's task token, then the final status. */
async function resume(token: string, fp: string, old: Item, outcome: Outcome) {
  const jobId = old['job_id']?.S;
  const fields = { job_id: jobId, exec_id: old['exec_id']?.S, callback_token: fp };
  const taskToken = old['task_token']?.S;
  // An attempt cut without an answer (or answered 5xx) may have resumed the task: if the SDK's
  // retry then finds the token closed, this call is taken as resumed (Baton's StepFunctionsTaskTokens).
  let unanswered = false;
  const watch =
    <A, R>(next: (args: A) => Promise<R>) =>
    async (args: A): Promise<R> => {
      try {
        return await next(args);
      } catch (fault) {
        const status = (fault as Fault).$metadata?.httpStatusCode;
        if (typeof status !== 'number' || status >= 500) unanswered = true;
        throw fault;
      }
    };
  const where = { step: 'deserialize', priority: 'high', name: 'unansweredAttempts' } as const;
  const send = async () => {
    if (outcome.kind === 'success') {
      const command = new SendTaskSuccessCommand({ taskToken, output: outcome.output });
      command.middlewareStack.add(watch, where);
      await sfn.send(command);
    } else {
      const command = new SendTaskFailureCommand({ taskToken, error: outcome.error, cause: outcome.cause });
      command.middlewareStack.add(watch, where);
      await sfn.send(command);
    }
  };
  const answer = (status: string) => reply(200, { status: 'resumed', callback_status: status, job_id: jobId ?? null });
  try {
    await send();
  } catch (fault) {
    const f = fault as Fault;
    const name = typeof f.name === 'string' ? f.name : '';
    if (GONE.has(name)) {
      if (unanswered) {
        log('WARN', 'Step Functions answer was lost; the retry found the token closed: taken as resumed', { ...fields, reason: name });
        return answer(await finish(token, fp, outcome.kind === 'success' ? 'COMPLETED' : 'FAILED'));
      }
      log('WARN', 'Task token expired for callback', { ...fields, reason: name });
      await finish(token, fp, 'EXPIRED', { gone_reason: name });
      return refuse(410, 'TaskTokenExpired', 'the workflow is no longer waiting for this callback');
    }
    const status = f.$metadata?.httpStatusCode;
    const answered = f.$fault === 'client' || f.$fault === 'server' || typeof status === 'number';
    const passing = !answered || f.$fault === 'server' || (typeof status === 'number' && status >= 500) || PASSING.has(name);
    const kept = reply(202, { status: 'accepted', callback_status: 'ACCEPTED', job_id: jobId ?? null });
    if (passing) {
      log('WARN', 'Step Functions unavailable; outcome kept for redrive', { ...fields, error: `${name}: ${String(f.message ?? '')}` });
      if (unanswered) await noteUnanswered(token, fp);
      return kept;
    }
    const refusal = `${name}: ${String(f.message ?? '')}`.slice(0, 1024);
    log('ERROR', 'Step Functions refused the resume; outcome kept, redrive stopped', { ...fields, refusal });
    const found = await finish(token, fp, 'REFUSED', { refusal });
    return reply(202, { status: 'accepted', callback_status: found, job_id: jobId ?? null });
  }
  log('INFO', outcome.kind === 'success' ? 'Sent TaskSuccess for job' : 'Sent TaskFailure for job', fields);
  return answer(await finish(token, fp, outcome.kind === 'success' ? 'COMPLETED' : 'FAILED'));
}

/** ACCEPTED → `status`, out of the redrive index; the status now stored (another resumer's, if it got there first). */
async function finish(token: string, fp: string, status: string, extra: Record<string, string> = {}): Promise<string> {
  const names = Object.keys(extra);
  const values: Item = { ':final': { S: status }, ':from': { S: 'ACCEPTED' }, ':at': { S: isoSeconds(new Date()) } };
  for (const n of names) values[`:${n}`] = { S: extra[n]! };
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { callback_token: { S: token } },
        UpdateExpression: `SET #status = :final, completed_at = :at${names.map((n) => `, ${n} = :${n}`).join('')} REMOVE redrive_pk, lease_until`,
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return status;
  } catch (fault) {
    if ((fault as Fault).name !== 'ConditionalCheckFailedException') throw fault;
    const found = (fault as Fault).Item?.['status']?.S;
    log('WARN', 'Callback final state already recorded elsewhere', { callback_token: fp, found: found ?? 'missing' });
    return found ?? status;
  }
}

/** Best effort: a later resume that finds the token closed is then taken as resumed, not EXPIRED. */
async function noteUnanswered(token: string, fp: string): Promise<void> {
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { callback_token: { S: token } },
        UpdateExpression: 'SET resume_unanswered_at = :at',
        ConditionExpression: '#status = :accepted',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':at': { S: isoSeconds(new Date()) }, ':accepted': { S: 'ACCEPTED' } },
      }),
    );
  } catch (fault) {
    if ((fault as Fault).name !== 'ConditionalCheckFailedException') log('WARN', 'Could not note the unanswered resume', { callback_token: fp, error: String(fault) });
  }
}
