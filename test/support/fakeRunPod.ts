import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { listenOnLoopback } from './listenOnLoopback.js';
import { asyncListener } from './asyncListener.js';

type Answer = { status: number; body?: string } | 'hang';

export interface FakeRunPod {
  /** The `/run` URL; `/status/{id}` and `/cancel/{id}` are its siblings. */
  readonly url: string;
  /** `/run` requests received: headers and parsed JSON bodies. */
  readonly received: { authorization: string | undefined; body: unknown }[];
  /** Every request, `METHOD /path`, in order. */
  readonly requests: string[];
  /** Answers for the next requests (any route), in order; then the fake's own. */
  queue(...answers: Answer[]): void;
  /** Sets what `/status/{id}` answers for a job (as `{id, ...status}`); a job it never saw answers 404. */
  setStatus(jobId: string, status: Record<string, unknown>): void;
  /** Forgets a job: `/status` and `/cancel` answer 404, as RunPod does once a result has expired. */
  forget(jobId: string): void;
  /** Runs with each accepted job before RunPod answers the submit (e.g. to deliver a fast webhook). */
  beforeAnswer: ((body: unknown) => Promise<void>) | undefined;
  close(): Promise<void>;
}

async function read(req: IncomingMessage): Promise<string> {
  let data = '';
  for await (const chunk of req) data += chunk;
  return data;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

/**
 * A local HTTP server speaking RunPod's `/run`, `/status/{id}` and `/cancel/{id}`: the RunPod
 * adapter's real peer in tests. A new job is `IN_QUEUE`; a cancel moves an unfinished one to
 * `CANCELLED`; an unknown id answers 404 `{"error": "request does not exist"}`.
 */
export async function startFakeRunPod(): Promise<FakeRunPod> {
  const received: FakeRunPod['received'] = [];
  const requests: string[] = [];
  const answers: Answer[] = [];
  const states = new Map<string, Record<string, unknown>>();
  let jobs = 0;
  const server: Server = createServer(asyncListener(async (req, res) => {
    const text = await read(req);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(`${req.method} ${path}`);
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
    const route = /\/(run|status|cancel)(?:\/([^/]+))?$/.exec(path);
    if (route?.[1] === 'run') received.push({ authorization: req.headers.authorization, body: JSON.parse(text || 'null') });
    const answer = answers.shift();
    if (answer === 'hang') return; // never answers: the client's timeout must fire
    if (answer) return reply(answer.status, answer.body ?? '');
    if (route?.[1] === 'run') {
      jobs += 1;
      const id = `job-${jobs}`;
      states.set(id, { id, status: 'IN_QUEUE' });
      await fake.beforeAnswer?.(received.at(-1)!.body);
      return reply(200, { id, status: 'IN_QUEUE' });
    }
    const id = decodeURIComponent(route?.[2] ?? '');
    const state = states.get(id);
    if (!route || !state) return reply(404, { error: 'request does not exist' });
    if (route[1] === 'cancel') {
      if (!TERMINAL.has(String(state['status']))) states.set(id, { id, status: 'CANCELLED' });
      return reply(200, { id, status: 'CANCELLED' });
    }
    return reply(200, state);
  }));
  const local = await listenOnLoopback(server);
  const fake: FakeRunPod = {
    beforeAnswer: undefined,
    url: `${local.endpoint}/v2/endpoint-1/run`,
    received,
    requests,
    queue: (...a) => answers.push(...a),
    setStatus: (jobId, status) => states.set(jobId, { id: jobId, ...status }),
    forget: (jobId) => states.delete(jobId),
    close: local.close,
  };
  return fake;
}

/** A local port nobody listens on (bound, then closed): connecting to it is refused at once. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
