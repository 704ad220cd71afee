import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { redact } from '../../adapters/logging/redact.js';
import { CryptoIds } from '../../adapters/system/CryptoIds.js';
import { SystemClock } from '../../adapters/system/SystemClock.js';
import { CORS_HEADERS, errorResponse, json, type HttpResponse } from '../../entrypoints/http/apiGateway.js';
import { httpApiEvent } from '../httpApiEvent.js';
import { ConsoleLog } from './ConsoleLog.js';
import type { DevContext, DevRoute, DevRoutes } from './DevContext.js';
import { matchRoute } from './matchRoute.js';
import { StateStream } from './StateStream.js';
import { consoleFile } from './staticConsole.js';

/** Lambda's synchronous payload limit: a bigger request never reaches a real handler either. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface DevServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host?: string;
  /** Where request lines and handler logs go; default stdout. */
  readonly write?: (line: string) => void;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Route groups to serve, built once the server's URL is known. */
  readonly groups: readonly ((ctx: DevContext) => DevRoutes | Promise<DevRoutes>)[];
  /** How often each group's `tick` (the redrive schedule) runs; 0 turns it off. */
  readonly tickSeconds?: number;
}

export interface RunningDevServer {
  readonly url: string;
  readonly port: number;
  readonly routes: readonly string[];
  close(): Promise<void>;
}

/** The port is taken: the one failure a person starting the server needs to read plainly. */
export class PortInUse extends Error {
  override readonly name = 'PortInUse';
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} on ${host} is already in use: stop the other process, or pick another port with --port N or PORT=N`);
  }
}

/**
 * The dev server: node:http on 127.0.0.1, each request turned into an API Gateway HTTP API
 * (v2) event and handed to the real handler factories, as API Gateway would.
 *
 * @example
 * const server = await startDevServer({ port: 3000, groups: [(ctx) => callbackRoutes(ctx)] });
 * // curl -X POST http://127.0.0.1:3000/dev/runpod-jobs
 * await server.close();
 */
export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const host = options.host ?? '127.0.0.1';
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  let routes: DevRoute[] = [];
  let groups: DevRoutes[] = [];
  const snapshot = async () => {
    const state: Record<string, unknown> = {};
    for (const g of groups) if (g.state) state[g.name] = await g.state();
    return state;
  };
  const stream = new StateStream(snapshot);
  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      write(`dev server fault: ${String(error)}`);
      if (!res.headersSent) send(res, errorResponse(500, 'InternalError', 'the dev server failed'));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    let response: HttpResponse;
    if (body === undefined) {
      response = errorResponse(413, 'PayloadTooLarge', `the body exceeds ${MAX_BODY_BYTES} bytes`);
    } else if (method === 'OPTIONS') {
      response = { statusCode: 204, headers: { ...CORS_HEADERS }, body: '' };
    } else if (method === 'GET' && url.pathname === '/dev/events') {
      await stream.add(res);
      write(`GET /dev/events → 200 (stream)`);
      return;
    } else if (method === 'GET' && url.pathname === '/dev/state') {
      response = json(200, await snapshot());
    } else if (method === 'GET' && url.pathname === '/' && (req.headers.accept ?? '').includes('text/html')) {
      response = (await consoleFile('index.html')) ?? errorResponse(404, 'NotFound', 'the console page is missing');
    } else if (method === 'GET' && url.pathname === '/') {
      response = json(200, { service: 'baton dev server', console: 'open / in a browser', routes: routes.map((r) => r.routeKey) });
    } else if (method === 'GET' && url.pathname.startsWith('/console/')) {
      response = (await consoleFile(url.pathname.slice('/console/'.length))) ?? errorResponse(404, 'NotFound', `no console file ${url.pathname}`);
    } else {
      const match = matchRoute(routes, method, url.pathname);
      if (match === undefined) {
        response = errorResponse(404, 'NotFound', `no route for ${method} ${url.pathname}`, {
          details: { routes: routes.map((r) => r.routeKey) },
        });
      } else if (match === 'MethodNotAllowed') {
        response = errorResponse(405, 'MethodNotAllowed', `${method} is not served on ${url.pathname}`);
      } else {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const event = httpApiEvent({
          method,
          routeKey: match.route.routeKey,
          path: url.pathname,
          pathParameters: match.pathParameters,
          headers,
          query: url.search.slice(1),
          body,
          requestId: randomUUID(),
          now: new Date(),
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        });
        try {
          response = await match.route.handler(event);
        } catch (error) {
          write(`handler for ${match.route.routeKey} threw: ${String(redact(String(error)))}`);
          response = errorResponse(500, 'InternalError', 'the handler threw; see the server log');
        }
      }
    }
    send(res, response);
    if (method !== 'GET' && method !== 'OPTIONS') stream.poke();
    write(`${method} ${String(redact(url.pathname))} → ${response.statusCode} (${(performance.now() - started).toFixed(1)} ms)`);
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUse(host, options.port) : error);
    };
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${host}:${port}`;
  const ctx: DevContext = {
    baseUrl,
    clock: new SystemClock(),
    ids: new CryptoIds(),
    log: new ConsoleLog(write, options.logLevel ?? 'info'),
    metrics: new InMemoryMetrics(),
    changed: () => stream.poke(),
  };
  try {
    groups = await Promise.all(options.groups.map(async (g) => g(ctx)));
  } catch (error) {
    server.close();
    throw error;
  }
  routes = groups.flatMap((g) => [...g.routes]);
  const tickSeconds = options.tickSeconds ?? 15;
  const ticker =
    tickSeconds > 0
      ? setInterval(() => {
          for (const g of groups) {
            g.tick?.().then(
              () => stream.poke(),
              (e: unknown) => write(`${g.name} schedule failed: ${String(e)}`),
            );
          }
        }, tickSeconds * 1000)
      : undefined;
  ticker?.unref();

  return {
    url: baseUrl,
    port,
    routes: routes.map((r) => r.routeKey),
    close: async () => {
      if (ticker) clearInterval(ticker);
      stream.close();
      await Promise.all(groups.map(async (g) => g.close?.()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: HttpResponse): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers ?? {})) headers[k] = String(v);
  const body = response.isBase64Encoded ? Buffer.from(response.body, 'base64') : response.body;
  res.writeHead(response.statusCode, headers);
  res.end(body);
}
