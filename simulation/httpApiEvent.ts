import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface HttpApiRequest {
  readonly method: string;
  /** The route as API Gateway declares it: `POST /webhook/{callback_token}`. */
  readonly routeKey: string;
  readonly path: string;
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: string;
  readonly body?: string;
  readonly requestId: string;
  readonly now: Date;
  readonly sourceIp?: string;
}

/**
 * An API Gateway HTTP API (payload v2) proxy event, as the real service sends it: what the
 * simulation and the dev server hand to the real handlers.
 *
 * @example
 * httpApiEvent({ method: 'GET', routeKey: 'GET /jobs/{jobId}', path: '/jobs/abc', pathParameters: { jobId: 'abc' }, requestId: 'r1', now: new Date() });
 */
export function httpApiEvent(request: HttpApiRequest): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
  const at = request.now;
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: request.path,
    rawQueryString: request.query ?? '',
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'baton-local',
      domainName: headers.host ?? 'baton.local',
      domainPrefix: 'baton',
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey: request.routeKey,
      stage: '$default',
      time: at.toUTCString(),
      timeEpoch: at.getTime(),
    },
    ...(request.pathParameters ? { pathParameters: { ...request.pathParameters } } : {}),
    ...(request.body === undefined ? {} : { body: request.body }),
    isBase64Encoded: false,
  };
}
