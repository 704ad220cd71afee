import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';

/** Both API Gateway proxy event versions: REST API (v1) and HTTP API (v2). */
export type HttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
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

/** Normalises a proxy event; returns undefined for something that is not one. */
export function parseHttpEvent(event: unknown): HttpRequest | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Partial<APIGatewayProxyEvent & APIGatewayProxyEventV2>;
  const method = e.httpMethod ?? e.requestContext?.http?.method;
  const path = e.path ?? e.rawPath ?? e.requestContext?.http?.path;
  if (typeof method !== 'string' || typeof path !== 'string') return undefined;
  const headers: Record<string, string | undefined> = {};
  for (const [k, val] of Object.entries(e.headers ?? {})) headers[k.toLowerCase()] = val ?? undefined;
  const raw = typeof e.body === 'string' ? e.body : '';
  const body = e.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  return {
    method: method.toUpperCase(),
    path,
    pathParameters: e.pathParameters ?? {},
    headers,
    body,
    requestId: e.requestContext?.requestId,
  };
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
    error: { code, message, ...(extra.details === undefined ? {} : { details: extra.details }) },
    timestamp: (extra.now ?? new Date()).toISOString(),
    ...(extra.requestId ? { requestId: extra.requestId } : {}),
  });
}

/** Parses a JSON body; `undefined` when it is not JSON. */
export function parseJsonBody(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}
