// Small pieces of HTML the console's sections share. Everything from the server goes through esc().

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Local wall-clock time of an ISO timestamp, seconds included; the full timestamp on hover. */
export function time(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return esc(iso);
  return `<time datetime="${esc(iso)}" title="${esc(iso)}">${esc(date.toLocaleTimeString([], { hour12: false }))}</time>`;
}

/** An item's history: one line per status change, lease, refused write or note. */
export function timeline(history) {
  if (!history || history.length === 0) return '';
  const items = history
    .map((h) => `<li data-kind="${esc(h.kind)}">${time(h.at)} <strong>${esc(h.status)}</strong> <span>${esc(h.note)}</span></li>`)
    .join('');
  return `<ol class="timeline" aria-label="history">${items}</ol>`;
}
