import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/**
 * An async request handler as a Node request listener. Node ignores the promise a listener returns,
 * so a fake's own bug would surface as an unhandled rejection far from the request that caused it;
 * here it answers that request with a 500 that names the error instead.
 */
export function asyncListener(handler: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>): RequestListener {
  return (req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake server failed: ${String(error)}`);
    });
  };
}
