import type { Writable } from 'node:stream';

/**
 * Progress of a long run: a redrawn bar on a terminal, a plain line every 10 % elsewhere
 * (CI logs stay readable). Writes to the stream given (stderr by default in the CLI).
 */
export class ProgressBar {
  private lastDecile = -1;
  private lastDraw = 0;

  constructor(
    private readonly out: Writable & { isTTY?: boolean; columns?: number },
    private readonly now: () => number,
  ) {}

  update(done: number, total: number, simulatedMs: number): void {
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const label = `${fmt(done)}/${fmt(total)} jobs, simulated ${duration(simulatedMs)}`;
    if (this.out.isTTY) {
      const t = this.now();
      if (t - this.lastDraw < 50 && fraction < 1) return;
      this.lastDraw = t;
      const width = 30;
      const filled = Math.round(fraction * width);
      this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct(fraction)} ${label}\u001b[K`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.out.write(`progress ${pct(fraction)} ${label}\n`);
    }
  }

  finish(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}

function pct(fraction: number): string {
  return `${Math.floor(fraction * 100)}%`.padStart(4);
}

export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** `3d 04:05:06` style virtual durations. */
export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const hh = String(Math.floor((s % 86_400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${d > 0 ? `${d}d ` : ''}${hh}:${mm}:${ss}`;
}
