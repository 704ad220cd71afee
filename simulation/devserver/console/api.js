// The dev server's HTTP API, one function per action the console offers. Each is a plain
// fetch of a documented route, so anything the page does a script can do with curl.

const listeners = new Set();

/** Calls `listener({ method, path, body, status, answer, curl })` after every call. */
export function onCall(listener) {
  listeners.add(listener);
}

async function call(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  let status = 0;
  let answer = null;
  try {
    const response = await fetch(path, init);
    status = response.status;
    const text = await response.text();
    try {
      answer = text ? JSON.parse(text) : null;
    } catch {
      answer = text;
    }
  } catch (error) {
    answer = { error: { message: String(error) } };
  }
  const record = { method, path, body: init.body, headers, status, answer, curl: curl(method, path, init.body, headers) };
  for (const listener of listeners) listener(record);
  return record;
}

function curl(method, path, body, headers) {
  const parts = ['curl', '-X', method, `$B${path}`];
  for (const [name, value] of Object.entries(headers)) parts.push('-H', quote(`${name}: ${value}`));
  if (body !== undefined) parts.push('-H', quote('Content-Type: application/json'), '-d', quote(body));
  return parts.join(' ');
}

function quote(text) {
  return `'${String(text).replaceAll("'", "'\\''")}'`;
}

export const api = {
  /** `runpod`: null (you deliver the webhook) or { status, after_seconds }. */
  startRunPodJob: (runpod) => call('POST', '/dev/runpod-jobs', { runpod }),
  deliverWebhook: (callbackToken, report) => call('POST', `/webhook/${encodeURIComponent(callbackToken)}`, report),
  startOutage: (seconds) => call('POST', '/dev/outage', { seconds }),
  endOutage: () => call('DELETE', '/dev/outage'),
  redrive: () => call('POST', '/dev/redrive'),
  /** `spec` is sent as typed (a string), so a malformed spec shows the server's 400. */
  submitJob: (spec, idempotencyKey) => call('POST', '/jobs', spec, idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
  reportStatus: (jobId, report) => call('POST', `/dev/jobs/${encodeURIComponent(jobId)}/status`, report),
  dispatch: (url) => call('POST', '/dispatch/jobs', { url }),
  quota: (operation, input) => call('POST', `/dev/quota/${operation}`, input),
  state: async () => (await fetch('/dev/state')).json(),
};
