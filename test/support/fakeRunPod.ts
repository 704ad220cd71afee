import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface FakeRunPod {
  readonly url: string;
  /** Requests received: headers and parsed JSON bodies. */
  readonly received: { authorization: string | undefined; body: unknown }[];
  /** Answers for the next requests, in order; then `200 {"id": "job-N", "status": "IN_QUEUE"}`. */
  queue(...answers: ({ status: number; body?: string } | 'hang')[]): void;
  /** Runs with each accepted job before RunPod answers the submit (e.g. to deliver a fast webhook). */
  beforeAnswer: ((body: unknown) => Promise<void>) | undefined;
  close(): Promise<void>;
}

async function read(req: IncomingMessage): Promise<string> {
  let data = '';
  for await (const chunk of req) data += chunk;
  return data;
}

/** A local HTTP server speaking RunPod's `/run`: the RunPod adapter's real peer in tests. */
export async function startFakeRunPod(): Promise<FakeRunPod> {
  const received: FakeRunPod['received'] = [];
  const answers: ({ status: number; body?: string } | 'hang')[] = [];
  let jobs = 0;
  const server: Server = createServer(async (req, res) => {
    const text = await read(req);
    received.push({ authorization: req.headers.authorization, body: JSON.parse(text || 'null') });
    const answer = answers.shift();
    if (answer === 'hang') return; // never answers: the client's timeout must fire
    if (answer) {
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body ?? '');
      return;
    }
    jobs += 1;
    await fake.beforeAnswer?.(received.at(-1)!.body);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `job-${jobs}`, status: 'IN_QUEUE' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const fake: FakeRunPod = {
    beforeAnswer: undefined,
    url: `http://127.0.0.1:${port}/v2/endpoint-1/run`,
    received,
    queue: (...a) => answers.push(...a),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
