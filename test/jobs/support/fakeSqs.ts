import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '../../support/listenOnLoopback.js';
import { asyncListener } from '../../support/asyncListener.js';

export interface FakeSqs {
  /** Set `AWS_ENDPOINT_URL_SQS` to this. */
  readonly endpoint: string;
  /** Makes a queue and returns its URL. */
  createQueue(name: string): string;
  /** The bodies sent to a queue so far, oldest first (as a processor would receive them). */
  bodies(queueUrl: string): string[];
  close(): Promise<void>;
}

/**
 * SQS's SendMessage over the wire protocol the SDK v3 speaks (awsJson1_0), for the e2e tests
 * of the bundles. sqslite, the local engine we have, speaks only the older query protocol, so
 * the SDK's requests get 415 from it. A queue that was never created answers QueueDoesNotExist,
 * as SQS does — the way a test makes the send fail.
 */
export async function startFakeSqs(): Promise<FakeSqs> {
  const queues = new Map<string, string[]>();
  let endpoint = '';
  const server: Server = createServer(asyncListener(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').at(-1) ?? '';
    const input = JSON.parse(text || '{}') as Record<string, string>;
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    if (operation !== 'SendMessage') return reply(400, { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: operation });
    const queue = queues.get(input['QueueUrl'] ?? '');
    if (!queue) {
      return reply(400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
    }
    const body = input['MessageBody'] ?? '';
    queue.push(body);
    return reply(200, { MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(body).digest('hex') });
  }));
  const local = await listenOnLoopback(server);
  endpoint = local.endpoint;
  return {
    endpoint,
    createQueue: (name) => {
      const url = `${endpoint}/000000000000/${name}`;
      queues.set(url, []);
      return url;
    },
    bodies: (url) => [...(queues.get(url) ?? [])],
    close: local.close,
  };
}
