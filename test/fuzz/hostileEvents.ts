import fc from 'fast-check';
import { PLANTED, type Trigger } from './fuzzedSystems.js';

/** `n` levels of arrays or objects around `leaf`, as JSON text (JSON.parse of it never recurses). */
export function deepJson(n: number, kind: 'array' | 'object' = 'array', leaf = '1'): string {
  return kind === 'array' ? '['.repeat(n) + leaf + ']'.repeat(n) : '{"a":'.repeat(n) + leaf + '}'.repeat(n);
}

/** Strings that broke something somewhere: lone surrogates, long multi-byte runs, bad escapes, tokens, ARNs. */
const hostileString = fc.oneof(
  fc.constantFrom(
    '\ud800',
    'a\udc00b',
    'job-\ud83d',
    '€'.repeat(700),
    'x'.repeat(10_000),
    '%E0%A4%A',
    '%',
    '../../etc/passwd',
    'runs/../',
    '\u0000\u001f',
    '',
    ' ',
    '#',
    'idempotency#x',
    '__proto__',
    'constructor',
    'arn:aws:iam::123456789012:role/x',
    'a'.repeat(64),
    'c0ffee'.padEnd(64, '7'),
    '1e400',
    'null',
    '{"a":1}',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
);

/** Numbers DynamoDB or the marshaller cannot hold, and their friends. */
const hostileNumber = fc.constantFrom(Infinity, -Infinity, NaN, 1e16, 10_000_000_000_000_000, 5e-324, -0, 1e126, 2 ** 53, -(2 ** 60), 1.5, 0);

/**
 * A parsed deep document that fast-check can still print in a counterexample (its own printer
 * recurses): a non-enumerable `fc.toStringMethod`, invisible to the handler.
 */
function deepValue(n: number, kind: 'array' | 'object'): unknown {
  const value = JSON.parse(deepJson(n, kind)) as object;
  Object.defineProperty(value, fc.toStringMethod, { value: () => `<${n}-deep ${kind}>` });
  return value;
}

/** Documents that are unstorable or expensive: deep, empty or malformed keys, huge arrays. */
const hostileDocument: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(33, 200, 5_000).chain((n) => fc.constantFrom<'array' | 'object'>('array', 'object').map((kind) => deepValue(n, kind))),
  fc.constant(JSON.parse('{"": 1}')),
  fc.constant(JSON.parse('{"\\ud800": 1}')),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
  fc.constant({ ['k'.repeat(70_000)]: 1 }),
  fc.constant(Array.from({ length: 20_000 }, (_, i) => i)),
  fc.constant(JSON.parse('{"n": 1e400}')),
);

/** Any value a JSON event may hold, mostly hostile. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 2, arbitrary: hostileDocument },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
);

/** All paths into a JSON template (objects and arrays), the root included as `[]`. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  }
  return here;
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (rest.length === 0 && remove) delete copy[head];
  else copy[head] = setAt(copy[head], rest, replacement, remove);
  return copy;
}

/**
 * A valid input with one or two parts replaced by hostile values (or removed): most hostile
 * input is nearly right, and only a nearly right input gets past the first checks.
 */
function mutated(template: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(template);
  const one = (base: fc.Arbitrary<unknown>) =>
    fc.tuple(base, fc.constantFrom(...paths), hostileValue, fc.boolean()).map(([v, path, replacement, remove]) =>
      // A removed path that no longer exists (after an earlier mutation) just sets it.
      setAt(v, path, replacement, remove && path.length > 0),
    );
  return fc.oneof({ weight: 1, arbitrary: fc.constant(template) }, { weight: 6, arbitrary: one(fc.constant(template)) }, { weight: 3, arbitrary: one(one(fc.constant(template))) });
}

/** JSON text of a (mostly mutated) body, or text that is not JSON at all. */
function bodyText(template: unknown): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: mutated(template).map(safeStringify) },
    { weight: 1, arbitrary: fc.constantFrom('{', '', 'null', '[]', '"x"', '{"a":1e400}', deepJson(6_000), '\ud800', '{"id":"\\ud800"}', 'x'.repeat(300_000)) },
    { weight: 1, arbitrary: fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.constant({ not: 'a string' })) },
  );
}

/** JSON.stringify that survives a 5,000-deep value (the hostile value is then sent as deep JSON text instead). */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return deepJson(5_000);
  }
}

const method = fc.constantFrom('POST', 'GET', 'OPTIONS', 'PUT', 'post', '', 'DELETE');
const headerValue = fc.oneof(hostileString, fc.constant(undefined), fc.integer(), fc.constant(null), fc.constant(['a', 'b']));

/** An API Gateway proxy event (REST v1 or HTTP API v2) around `body`, its envelope fuzzed too. */
function httpEvent(path: fc.Arbitrary<string>, pathParameters: fc.Arbitrary<unknown>, body: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const headers = fc.oneof(
    fc.constant({ 'content-type': 'application/json' }),
    fc.record({ 'content-type': headerValue, 'Idempotency-Key': headerValue }, { requiredKeys: [] }),
    fc.constant(null),
    fc.constant('not headers'),
  );
  const base64 = fc.oneof(fc.constant(false), fc.constant(true), fc.constant('true'), fc.constant(undefined));
  const query = fc.oneof(fc.constant(null), fc.dictionary(hostileString, hostileString, { maxKeys: 3 }), fc.constant('x=%E0%A4%A'));
  return fc
    .record({ v2: fc.boolean(), method, path, pathParameters, body, headers, base64, query, requestId: fc.oneof(fc.constant('req-1'), hostileString, fc.integer()) })
    .map(({ v2, method, path, pathParameters, body, headers, base64, query, requestId }) => {
      const encoded = base64 === true && typeof body === 'string' ? Buffer.from(body).toString('base64') : body;
      return v2
        ? {
            version: '2.0',
            rawPath: path,
            rawQueryString: typeof query === 'string' ? query : '',
            queryStringParameters: typeof query === 'string' ? undefined : query,
            headers,
            pathParameters,
            requestContext: { requestId, http: { method, path } },
            body: encoded,
            isBase64Encoded: base64,
          }
        : {
            httpMethod: method,
            path,
            headers,
            queryStringParameters: query,
            pathParameters,
            requestContext: { requestId },
            body: encoded,
            isBase64Encoded: base64,
          };
    });
}

/** An SQS event whose bodies are `body`s, its records and envelope fuzzed too. */
function sqsEvent(body: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const record = fc
    .record({
      messageId: fc.oneof({ weight: 8, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom('dup', '', 'x'.repeat(300)) }, { weight: 1, arbitrary: hostileValue }),
      body,
      fifo: fc.boolean(),
      receiveCount: fc.oneof(fc.constant('1'), hostileValue),
      arn: fc.oneof(fc.constantFrom('arn:aws:sqs:us-east-1:123456789012:q', 'arn:aws:sqs:us-east-1:123456789012:q.fifo'), hostileValue),
    })
    .map(({ messageId, body, fifo, receiveCount, arn }) => ({
      messageId,
      receiptHandle: 'rh',
      body,
      attributes: fifo ? { MessageGroupId: 'g', ApproximateReceiveCount: receiveCount } : { ApproximateReceiveCount: receiveCount },
      messageAttributes: {},
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
    }));
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(record, { minLength: 1, maxLength: 6 }).map((Records) => ({ Records })) },
    { weight: 1, arbitrary: fc.array(fc.oneof(record, fc.constant(null), hostileValue), { maxLength: 4 }).map((Records) => ({ Records })) },
    { weight: 1, arbitrary: fc.oneof(fc.constant({ Records: 'x' }), fc.constant({ Records: { 0: 1 } }), fc.constant(null), fc.constant({}), hostileValue) },
  );
}

/** Templates of valid inputs, one per handler. */
const TEMPLATES = {
  spec: {
    jobInfo: { projectId: 'example', title: 'Ranking shorts' },
    assets: { video: { id: 'main', source: 's3://in/short.mp4' } },
    timeline: [{ start: 0.5, type: 'audio', data: { volume: 0.5 } }],
    output: { filename: 'video.mp4' },
  },
  webhook: { id: 'rp-job-1', status: 'COMPLETED', output: { url: 's3://out/x.mp4', frames: [1, 2] }, delayTime: 10, executionTime: 20 },
  statusReport: { jobId: 'job-1', status: 'completed', output: { s3Uri: 's3://b/o.mp4', duration: 1.5, size: 10 }, metadata: { k: 'v' }, attempt: 1 },
  dispatch: { url: 'https://media.example.com/live/stream.m3u8', job_id: 'job-1' },
  submitRunPod: {
    task_token: PLANTED.taskToken,
    exec_id: 'exec-1',
    segment: { filename: 'seg.mp4', input_key: 'in/seg.mp4', output_key: 'out/seg.mp4' },
    params: { scale: 2 },
    bucket: 'my-bucket',
    execution_arn: 'arn:aws:states:us-east-1:123456789012:execution:upscale:run-1',
    presign_expires_secs: 3600,
    policy: { executionTimeout: 60_000 },
  },
  handleError: {
    job_id: 'job-1',
    error: { Error: 'States.TaskFailed', Cause: JSON.stringify({ errorMessage: 'boom', errorType: 'Boom', stackTrace: ['at a'] }) },
    state: 'GenerateScript',
    execution_id: 'arn:aws:states:us-east-1:123456789012:execution:p:abc',
  },
  jobId: { job_id: 'job-1' },
  release: { job_id: 'job-1', date: '2026-01-06' },
  launch: { job_id: 'job-1', task_token: PLANTED.taskToken, execution_arn: 'arn:aws:states:us-east-1:123456789012:execution:manga:run-1' },
  executionEnded: {
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    detail: { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:upscale:run-1', status: 'ABORTED', stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:upscale' },
  },
} as const;

/** Causes that broke handle-error: a 6,000-deep stack trace, a huge one, a lone surrogate. */
const hostileCause = fc.constantFrom(
  `{"errorMessage":"x","stackTrace":${deepJson(6_000)}}`,
  JSON.stringify({ errorMessage: 'x', errorType: 'T'.repeat(5_000), stackTrace: Array.from({ length: 5_000 }, () => 'at x') }),
  JSON.stringify({ errorMessage: '\ud800', errorType: '\udc00' }),
  '{"errorMessage":',
);

/** The events one handler is fuzzed with. */
export function eventsFor(name: string, trigger: Trigger): fc.Arbitrary<unknown> {
  const anything = fc.oneof(fc.anything({ maxDepth: 3 }), hostileValue);
  const withNoise = (a: fc.Arbitrary<unknown>) => fc.oneof({ weight: 9, arbitrary: a }, { weight: 1, arbitrary: anything });
  const path = (prefix: string) =>
    fc.oneof(
      fc.constant(prefix),
      hostileString.map((s) => `${prefix}/${s}`),
      fc.constantFrom(`${prefix}/%E0%A4%A`, `${prefix}/${'%F0'.repeat(50)}`, `${prefix}/${PLANTED.callbackToken}`, '/', ''),
    );
  const params = (key: string) =>
    fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      hostileValue.map((v) => ({ [key]: v })),
      fc.constant({ [key]: PLANTED.callbackToken }),
      fc.constant('not params'),
    );
  switch (name) {
    case 'submit-job':
      return withNoise(httpEvent(path('/jobs'), params('x'), bodyText(TEMPLATES.spec)));
    case 'get-job-status':
      return withNoise(httpEvent(path('/jobs'), params('jobId'), bodyText({})));
    case 'runpod-webhook':
      return withNoise(httpEvent(path('/webhook'), params('callback_token'), bodyText(TEMPLATES.webhook)));
    case 'dispatch-to-ecs':
      return fc.oneof(
        httpEvent(path('/jobs'), params('x'), bodyText(TEMPLATES.dispatch)),
        sqsEvent(bodyText(TEMPLATES.dispatch)),
        mutated(TEMPLATES.dispatch),
        anything,
      );
    case 'update-job-status':
      return withNoise(sqsEvent(bodyText(TEMPLATES.statusReport)));
    case 'submit-runpod-job':
      return withNoise(mutated(TEMPLATES.submitRunPod));
    case 'handle-error':
      return withNoise(
        fc.oneof(
          mutated(TEMPLATES.handleError),
          hostileCause.map((Cause) => ({ ...TEMPLATES.handleError, job_id: 'job-cause', error: { Error: 'E', Cause } })),
        ),
      );
    case 'execution-ended':
      return withNoise(mutated(TEMPLATES.executionEnded));
    case 'release-quota':
      return withNoise(mutated(TEMPLATES.release));
    case 'start-renderer':
    case 'start-uploader':
      return withNoise(mutated(TEMPLATES.launch));
    default:
      return trigger === 'schedule' || name === 'check-quota' ? anything : withNoise(mutated(TEMPLATES.jobId));
  }
}
