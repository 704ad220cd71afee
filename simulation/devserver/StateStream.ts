import type { ServerResponse } from 'node:http';

/**
 * Server-sent events of the dev server's state (`GET /dev/events`): each client gets the state
 * when it connects and again whenever it differs from what was last sent. Requests and timers
 * `poke()` it; a slow check every `everyMs` catches what changes with time alone (leases,
 * outages ending, tasks timing out). Nothing runs while no one listens.
 */
export class StateStream {
  private readonly clients = new Set<ServerResponse>();
  private last = '';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly snapshot: () => Promise<unknown>,
    private readonly everyMs = 1000,
  ) {}

  async add(res: ServerResponse): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopTimer();
    });
    const data = JSON.stringify(await this.snapshot());
    this.last = data;
    res.write(`event: state\ndata: ${data}\n\n`);
    if (!this.timer) {
      this.timer = setInterval(() => this.poke(), this.everyMs);
      this.timer.unref();
    }
  }

  /** Something may have changed: look, and tell every client if it did. Calls made meanwhile coalesce. */
  poke(): void {
    if (this.clients.size === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.publish()
      .catch(() => undefined)
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  close(): void {
    this.stopTimer();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private async publish(): Promise<void> {
    const data = JSON.stringify(await this.snapshot());
    if (data === this.last) return;
    this.last = data;
    for (const res of this.clients) res.write(`event: state\ndata: ${data}\n\n`);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
