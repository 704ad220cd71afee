/** Small SVG charts drawn as strings: no library, no script, nothing fetched when the file is opened. */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export const PALETTE = ['#0b5cad', '#1a7f37', '#bf8700', '#cf222e', '#8250df', '#1b7c83', '#bc4c00', '#57606a'] as const;

const n = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** Thousands separators, whole numbers. */
export function fmt(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly colour?: string;
}

/** Horizontal bars with their values, one row per bar. */
export function barChart(title: string, bars: readonly Bar[], width = 640): string {
  const row = 26;
  const labelWidth = 190;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plot = width - labelWidth - 70;
  const height = bars.length * row + 8;
  const rows = bars
    .map((b, i) => {
      const y = 4 + i * row;
      const w = (b.value / max) * plot;
      return `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${esc(b.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 4}" width="${n(Math.max(w, b.value > 0 ? 1 : 0))}" height="${row - 8}" fill="${b.colour ?? PALETTE[i % PALETTE.length]}"/>` +
        `<text x="${n(labelWidth + w + 6)}" y="${y + 17}">${fmt(b.value)}</text>`;
    })
    .join('');
  const summary = bars.map((b) => `${b.label}: ${fmt(b.value)}`).join(', ');
  return svg(width, height, title, summary, rows);
}

export interface AreaOptions {
  readonly width?: number;
  readonly height?: number;
  readonly colour?: string;
  /** Label under the first and last bin. */
  readonly from: string;
  readonly to: string;
  readonly unit: string;
}

/** Counts per bin as a filled step area, with its peak and the time axis' ends labelled. */
export function areaChart(title: string, values: readonly number[], options: AreaOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 160;
  const left = 48;
  const bottom = 22;
  const top = 10;
  const plotW = width - left - 10;
  const plotH = height - bottom - top;
  const max = Math.max(1, ...values);
  const step = plotW / Math.max(1, values.length);
  let path = `M${left},${top + plotH}`;
  values.forEach((v, i) => {
    const y = top + plotH - (v / max) * plotH;
    path += ` L${n(left + i * step)},${n(y)} L${n(left + (i + 1) * step)},${n(y)}`;
  });
  path += ` L${n(left + values.length * step)},${top + plotH} Z`;
  const body =
    `<path d="${path}" fill="${options.colour ?? PALETTE[0]}" fill-opacity="0.75"/>` +
    `<line x1="${left}" y1="${top + plotH}" x2="${width - 10}" y2="${top + plotH}" class="axis"/>` +
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" class="axis"/>` +
    `<text x="${left - 6}" y="${top + 10}" text-anchor="end">${fmt(max)}</text>` +
    `<text x="${left - 6}" y="${top + plotH}" text-anchor="end">0</text>` +
    `<text x="${left}" y="${height - 6}">${esc(options.from)}</text>` +
    `<text x="${width - 10}" y="${height - 6}" text-anchor="end">${esc(options.to)}</text>`;
  const total = values.reduce((a, b) => a + b, 0);
  return svg(width, height, title, `${fmt(total)} ${options.unit} in all, at most ${fmt(max)} in one bin`, body);
}

export interface HistogramOptions {
  readonly width?: number;
  readonly height?: number;
  /** Vertical markers, e.g. p50 and p99, at values in the same unit as the edges. */
  readonly markers?: readonly { readonly label: string; readonly at: number }[];
}

/**
 * Counts per bin over log-spaced edges (ms), bars touching, the decades labelled; only the
 * span that has calls is drawn, padded by a bin on each side.
 */
export function histogram(title: string, edges: readonly number[], counts: readonly number[], options: HistogramOptions = {}): string {
  const width = options.width ?? 300;
  const height = options.height ?? 130;
  const left = 8;
  const bottom = 20;
  const top = 14;
  const first = Math.max(0, counts.findIndex((c) => c > 0) - 1);
  const lastFound = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
  const last = Math.min(counts.length - 1, (lastFound < 0 ? counts.length - 1 : lastFound) + 1);
  const shown = counts.slice(first, last + 1);
  const plotW = width - 2 * left;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...shown);
  const bw = plotW / Math.max(1, shown.length);
  const lo = Math.log10(edges[first]!);
  const hi = Math.log10(edges[last + 1]!);
  const x = (ms: number) => left + ((Math.log10(Math.max(ms, edges[first]!)) - lo) / (hi - lo)) * plotW;
  let body = shown
    .map((c, i) => {
      const h = (c / max) * plotH;
      return c > 0 ? `<rect x="${n(left + i * bw)}" y="${n(top + plotH - h)}" width="${n(bw - 1)}" height="${n(Math.max(h, 1))}" fill="${PALETTE[0]}"/>` : '';
    })
    .join('');
  body += `<line x1="${left}" y1="${top + plotH}" x2="${width - left}" y2="${top + plotH}" class="axis"/>`;
  for (let decade = Math.ceil(lo); decade <= Math.floor(hi); decade++) {
    const ms = 10 ** decade;
    // Labels near an edge hang inwards, so none is cut off.
    const at = x(ms);
    const anchor = at < left + 18 ? 'start' : at > width - left - 18 ? 'end' : 'middle';
    body += `<text x="${n(anchor === 'start' ? Math.max(at, 0) : anchor === 'end' ? Math.min(at, width) : at)}" y="${height - 5}" text-anchor="${anchor}">${esc(msLabel(ms))}</text>`;
  }
  for (const [i, m] of (options.markers ?? []).entries()) {
    const mx = x(m.at);
    body += `<line x1="${n(mx)}" y1="${top - 2}" x2="${n(mx)}" y2="${top + plotH}" class="marker"/>` +
      `<text x="${n(mx + 3)}" y="${top + 8 + i * 11}" class="marker-label">${esc(m.label)}</text>`;
  }
  const total = counts.reduce((a, b) => a + b, 0);
  const markers = (options.markers ?? []).map((m) => `${m.label} ${m.at} ms`).join(', ');
  return svg(width, height, title, `${fmt(total)} calls${markers ? `; ${markers}` : ''}`, body);
}

function msLabel(ms: number): string {
  if (ms >= 1000) return `${n(ms / 1000)} s`;
  if (ms >= 1) return `${n(ms)} ms`;
  return `${n(ms * 1000)} µs`;
}

function svg(width: number, height: number, title: string, summary: string, body: string): string {
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(`${title}: ${summary}`)}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title><desc>${esc(summary)}</desc>${body}</svg>`;
}
