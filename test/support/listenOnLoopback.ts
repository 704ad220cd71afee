import type { Server } from 'node:http';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, the port the system chose. */
  readonly endpoint: string;
  /** Drops open (keep-alive) connections and closes the server. */
  close(): Promise<void>;
}

/** Starts a test server on a free loopback port: the one way every local fake listens. */
export async function listenOnLoopback(server: Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
