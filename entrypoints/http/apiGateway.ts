import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * API Gateway's integration timeout: after 29 s the client gets a 504 whatever the function
 * does, so handlers behind it budget their outbound calls to answer before it.
 */
export const API_GATEWAY_TIMEOUT_MS = 29_000;

export type HttpResponse = APIGatewayProxyResult;

/** The parts of a request handlers read, the same for v1 and v2. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  readonly requestId: string | undefined;
}

/**
 * Normalises a proxy event; returns undefined for something that is not one. Every field is
 * read defensively: a caller (or a test, or a misconfigured integration) controls all of it,
 * and a header whose value is a number or a body that is an object must not become a crash.
 */
export function parseHttpEvent(event: unknown): HttpRequest | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Record<string, unknown>;
  const context = record(e['requestContext']);
  const method = e['httpMethod'] ?? record(context['http'])['method'];
  const path = e['path'] ?? e['rawPath'] ?? record(context['http'])['path'];
  if (typeof method !== 'string' || typeof path !== 'string') return undefined;
  const headers: Record<string, string | undefined> = {};
  for (const [k, val] of Object.entries(record(e['headers']))) {
    if (typeof val === 'string') headers[k.toLowerCase()] = val;
  }
  const pathParameters: Record<string, string | undefined> = {};
  for (const [k, val] of Object.entries(record(e['pathParameters']))) {
    if (typeof val === 'string') pathParameters[k] = val;
  }
  const raw = typeof e['body'] === 'string' ? e['body'] : '';
  const body = e['isBase64Encoded'] === true ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const requestId = context['requestId'];
  return {
    method: method.toUpperCase(),
    path,
    pathParameters,
    headers,
    body,
    // Echoed in error bodies: only what API Gateway's ids look like.
    requestId: typeof requestId === 'string' && /^[\w-]{1,128}$/.test(requestId) ? requestId : undefined,
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * The last segment of a path, percent-decoded; `undefined` when its escapes are malformed
 * (`%E0%A4%A`), which the caller answers with a 400 rather than letting `URIError` escape.
 */
export function lastPathSegment(path: string): string | undefined {
  const segment = path.split('/').filter(Boolean).at(-1) ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** CORS headers a browser client can use; the API is token- or IAM-authorised, never cookie-based. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'content-type,idempotency-key,authorization',
  'access-control-allow-methods': 'GET,POST,OPTIONS',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...CORS_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** The standard error body: `{ error: { code, message, details? }, timestamp, requestId? }`. */
export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  extra: { details?: unknown; requestId?: string | undefined; now?: Date } = {},
): HttpResponse {
  return json(statusCode, {
    error: { code, message: publicText(message), ...(extra.details === undefined ? {} : { details: scrub(extra.details, 0) }) },
    timestamp: (extra.now ?? new Date()).toISOString(),
    ...(extra.requestId ? { requestId: extra.requestId } : {}),
  });
}

/**
 * What an error body may say about our own infrastructure: nothing. An AWS error message can
 * name the caller's IAM principal (`User: arn:aws:sts::123456789012:assumed-role/…`), so ARNs
 * become `arn:…`, twelve-digit account ids `<account>`, and stack frames are cut. Logs keep
 * the whole message for operators.
 */
function publicText(text: string): string {
  return text
    .replace(/\n\s+at [\s\S]*$/, '')
    .replace(/arn:aws[a-z-]*:[^\s"',;)]*/g, 'arn:…')
    .replace(/(?<![\w-])\d{12}(?![\w-])/g, '<account>');
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return publicText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

/** Parses a JSON body; `undefined` when it is not JSON. V8's `JSON.parse` is iterative: any depth parses without overflowing. */
export function parseJsonBody(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * The body as JSON, or the 413 / 400 answer that refuses it: over `maxBytes` of UTF-8 the body
 * is not even parsed.
 */
export function readJsonBody(
  request: HttpRequest,
  maxBytes: number,
): { ok: true; value: unknown } | { ok: false; response: HttpResponse } {
  const requestId = request.requestId;
  const bytes = Buffer.byteLength(request.body, 'utf8');
  if (bytes > maxBytes) {
    return { ok: false, response: errorResponse(413, 'PayloadTooLarge', `the body is ${bytes} bytes; at most ${maxBytes} are accepted`, { requestId }) };
  }
  const parsed = parseJsonBody(request.body);
  if (!parsed.ok) return { ok: false, response: errorResponse(400, 'InvalidJson', 'the body is not valid JSON', { requestId }) };
  return parsed;
}
