/** Minimal API Gateway proxy events, as REST (v1) and HTTP API (v2) send them. */
export interface EventParts {
  method: string;
  path: string;
  pathParameters?: Record<string, string>;
  body?: string | undefined;
  headers?: Record<string, string>;
  base64?: boolean;
}

export function restApiEvent(p: EventParts) {
  return {
    resource: p.path,
    path: p.path,
    httpMethod: p.method,
    headers: { 'Content-Type': 'application/json', ...p.headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: p.pathParameters ?? null,
    stageVariables: null,
    requestContext: { requestId: 'rest-req-1', httpMethod: p.method, path: p.path },
    body: p.base64 && p.body !== undefined ? Buffer.from(p.body).toString('base64') : (p.body ?? null),
    isBase64Encoded: p.base64 ?? false,
  };
}

export function httpApiEvent(p: EventParts) {
  return {
    version: '2.0',
    routeKey: `${p.method} ${p.path}`,
    rawPath: p.path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...p.headers },
    pathParameters: p.pathParameters,
    requestContext: { requestId: 'http-req-1', http: { method: p.method, path: p.path } },
    body: p.base64 && p.body !== undefined ? Buffer.from(p.body).toString('base64') : p.body,
    isBase64Encoded: p.base64 ?? false,
  };
}

export function webhookEvent(callbackToken: string, body: unknown, kind: 'rest' | 'http' = 'http') {
  const parts = {
    method: 'POST',
    path: `/webhook/${callbackToken}`,
    pathParameters: { callback_token: callbackToken },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
  return kind === 'rest' ? restApiEvent(parts) : httpApiEvent(parts);
}
