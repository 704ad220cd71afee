// The dev console: renders GET /dev/state (pushed over server-sent events from /dev/events)
// and turns the forms and buttons into the calls of api.js. No framework: each section is
// re-rendered from the state, and focus and control values are carried across by data-key.
import { api, onCall } from './api.js';
import { esc, time, timeline } from './render.js';

const $ = (id) => document.getElementById(id);
/** Values of controls inside re-rendered sections, by data-key, so a re-render keeps a choice. */
const kept = new Map();
let latest = null;

// ---- state in -------------------------------------------------------------------------

function connect() {
  const live = $('live');
  if (!('EventSource' in window)) return poll();
  const source = new EventSource('/dev/events');
  source.addEventListener('state', (event) => {
    live.textContent = 'live';
    live.dataset.ok = 'true';
    render(JSON.parse(event.data));
  });
  source.onerror = () => {
    live.textContent = 'reconnecting…';
    live.dataset.ok = 'false';
  };
}

async function poll() {
  for (;;) {
    try {
      render(await api.state());
      $('live').textContent = 'polling';
    } catch {
      $('live').textContent = 'server unreachable';
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function refresh() {
  try {
    render(await api.state());
  } catch {
    // The stream will catch up.
  }
}

// ---- rendering ------------------------------------------------------------------------

function render(state) {
  latest = state;
  const active = document.activeElement?.dataset?.key;
  const callbacks = state.callbacks ?? { executions: [], step_functions: { available: true } };
  const sfn = callbacks.step_functions;
  $('sfn').textContent = sfn.available ? 'Step Functions: available' : `Step Functions: outage until ${time(sfn.outage_until)}`;
  $('sfn').dataset.ok = String(sfn.available);
  update('executions', executions(callbacks));
  update('jobs', jobs(state.jobs));
  update('queues', queues(state.jobs));
  update('dispatches', dispatches(state.dispatch));
  update('quota', quota(state.quota));
  if (active) document.querySelector(`[data-key="${CSS.escape(active)}"]`)?.focus();
}

function update(id, html) {
  const section = $(id);
  if (section.dataset.html === html) return;
  section.dataset.html = html;
  section.innerHTML = html;
  for (const control of section.querySelectorAll('select[data-key], input[data-key]')) {
    if (kept.has(control.dataset.key)) control.value = kept.get(control.dataset.key);
  }
}

function executions({ executions: list, redrive }) {
  const last = redrive?.last_run;
  const head = `<p class="hint">Redrive: resumes outcomes accepted over ${esc(redrive?.after_seconds ?? '?')} s ago${
    last ? `; last run ${time(last.at)} (${esc(last.by)}): ${esc(summary(last.result))}` : '; not run yet'
  }.</p>`;
  if (list.length === 0) return `${head}<p class="empty">No execution yet: start a RunPod submission.</p>`;
  return head + [...list].reverse().map(execution).join('');
}

function execution(e) {
  const name = e.execution;
  const key = (what) => esc(`exec:${name}:${what}`);
  const controls = e.callback_token
    ? `<div class="buttons">
        <label>report <select data-key="${key('status')}" aria-label="RunPod status to report for ${esc(name)}">
          ${['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].map((s) => `<option>${s}</option>`).join('')}
        </select></label>
        <button type="button" data-action="deliver" data-execution="${esc(name)}" data-key="${key('deliver')}" aria-label="Deliver the webhook for ${esc(name)}">Deliver webhook</button>
        <button type="button" data-action="duplicate" data-execution="${esc(name)}" data-key="${key('duplicate')}" aria-label="Deliver the webhook for ${esc(name)} twice at once">Deliver twice at once</button>
      </div>`
    : '';
  const result = e.state === 'succeeded'
    ? `<details><summary>output</summary><pre>${esc(JSON.stringify(e.output, null, 2))}</pre></details>`
    : e.error ? `<p>error <code>${esc(e.error)}</code>${e.cause ? `: ${esc(e.cause)}` : ''}</p>` : '';
  return `<article class="card" data-execution="${esc(name)}">
    <h3>${esc(name)} <span class="badge" data-state="${esc(e.state)}">${esc(e.state)}</span></h3>
    <dl class="facts">
      <div><dt>mapping</dt><dd>${esc(e.callback_status ?? '–')}</dd></div>
      <div><dt>RunPod job</dt><dd>${esc(e.job_id ?? '–')}</dd></div>
      <div><dt>resume calls</dt><dd>${esc(e.resume_calls)}</dd></div>
      ${e.lease_until ? `<div><dt>lease</dt><dd>until ${time(e.lease_until)}</dd></div>` : ''}
    </dl>
    ${e.callback_status === 'ACCEPTED' && e.state === 'waiting'
      ? '<p class="hint">The outcome is stored but Step Functions is not resumed yet: the scheduled redrive will resume it, or run it now.</p>'
      : ''}
    ${controls}
    ${timeline(e.history)}
    ${result}
  </article>`;
}

function jobs(group) {
  const list = group?.jobs ?? [];
  if (list.length === 0) return '<p class="empty">No job yet: submit one.</p>';
  return [...list].reverse().map((j) => {
    const key = (what) => esc(`job:${j.job_id}:${what}`);
    return `<article class="card">
      <h3><code>${esc(j.job_id)}</code> <span class="badge" data-state="${esc(j.status)}">${esc(j.status)}</span></h3>
      <dl class="facts"><div><dt>version</dt><dd>${esc(j.version)}</dd></div><div><dt>attempts</dt><dd>${esc(j.attempts)}</dd></div></dl>
      <div class="buttons">
        <label>status <select data-key="${key('status')}" aria-label="Status to report for job ${esc(j.job_id)}">
          ${['processing', 'completed', 'retrying', 'failed'].map((s) => `<option>${s}</option>`).join('')}
        </select></label>
        <button type="button" data-action="report" data-job="${esc(j.job_id)}" data-key="${key('report')}" aria-label="Send a status report for job ${esc(j.job_id)}">Send status report</button>
      </div>
      ${timeline(j.history)}
    </article>`;
  }).join('');
}

function queues(group) {
  if (!group) return '<p class="empty">The job API is not served.</p>';
  const { jobs: q, status } = group.queues;
  const waiting = q.messages.map((m) => `<li><code>${esc(m.jobId)}</code> since ${time(m.submittedAt)}</li>`).join('');
  const reports = status.recent.map((r) => `<tr><td>${time(r.at)}</td><td><code>${esc(r.jobId)}</code></td><td>${esc(r.status)}</td><td>${
    r.batchItemFailure ? 'batch item failure' : r.applied ? `applied → ${esc(r.statusAfter)}` : `refused (stays ${esc(r.statusAfter ?? 'unknown')})`
  }</td></tr>`).join('');
  return `<h3>${esc(q.name)}: ${esc(q.waiting)} waiting</h3>
    ${waiting ? `<ul class="plain">${waiting}</ul>` : '<p class="empty">empty</p>'}
    <h3>${esc(status.name)}: ${esc(status.delivered)} delivered</h3>
    ${reports ? `<div class="scroll" tabindex="0" role="region" aria-label="Recent status reports"><table><thead><tr><th scope="col">at</th><th scope="col">job</th><th scope="col">reported</th><th scope="col">outcome</th></tr></thead><tbody>${reports}</tbody></table></div>` : '<p class="empty">none yet</p>'}`;
}

function dispatches(group) {
  const list = group?.dispatches ?? [];
  if (list.length === 0) return '<p class="empty">No dispatch yet.</p>';
  return `<p class="hint">${esc(group.run_task_calls)} RunTask call(s).</p>` + [...list].reverse().map((d) => `<article class="card">
      <h3><code>${esc(d.job_id)}</code> <span class="badge" data-state="${esc(d.status)}">${esc(d.status)}</span></h3>
      <dl class="facts">
        <div><dt>source</dt><dd>${esc(d.source?.kind ?? '–')}</dd></div>
        <div><dt>attempt</dt><dd>${esc(d.attempt)}${d.settled ? ' (settled)' : ''}</dd></div>
        ${d.task_arn ? `<div><dt>task</dt><dd><code>${esc(d.task_arn.split('/').pop())}</code></dd></div>` : ''}
        ${d.lease_until && !d.task_arn ? `<div><dt>lease</dt><dd>until ${time(d.lease_until)}</dd></div>` : ''}
      </dl>
      ${timeline(d.history)}
    </article>`).join('');
}

function quota(q) {
  if (!q) return '<p class="empty">The quota is not served.</p>';
  const calls = q.recent.map((c) => `<li>${time(c.at)} <code>${esc(c.operation)}</code> ${esc(c.input?.job_id ?? '')} → ${esc(summary(c.output))}</li>`).join('');
  return `<p><meter min="0" max="${esc(q.limit)}" value="${esc(q.count)}" aria-label="jobs counted today">${esc(q.count)}</meter>
      <strong>${esc(q.count)} of ${esc(q.limit)}</strong> jobs on ${esc(q.date)} (UTC)</p>
    <p>${q.job_ids.length ? `counted: ${q.job_ids.map((j) => `<code>${esc(j)}</code>`).join(', ')}` : 'no job counted today'}</p>
    ${calls ? `<ol class="plain">${calls}</ol>` : ''}`;
}

function summary(value) {
  if (value === null || typeof value !== 'object') return String(value);
  return Object.entries(value).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
}

// ---- actions out ----------------------------------------------------------------------

onCall((record) => {
  const list = $('activity');
  const item = document.createElement('li');
  const ok = record.status >= 200 && record.status < 300;
  item.innerHTML = `<code>${esc(record.method)} ${esc(record.path)}</code> → <span class="badge" data-state="${ok ? 'ok' : 'error'}">${esc(record.status || 'no answer')}</span>
    <details><summary>curl and answer</summary><pre>${esc(record.curl)}</pre><pre>${esc(JSON.stringify(record.answer, null, 2))}</pre></details>`;
  list.prepend(item);
  while (list.children.length > 30) list.lastElementChild.remove();
  void refresh();
});

function execByName(name) {
  return latest?.callbacks?.executions.find((e) => e.execution === name);
}

function webhookReport(e, status) {
  return status === 'COMPLETED'
    ? { id: e.job_id, status, delayTime: 120, executionTime: 4000, output: { message: 'Video upscaled successfully' } }
    : { id: e.job_id, status, error: `Simulated ${status}` };
}

document.addEventListener('change', (event) => {
  const key = event.target?.dataset?.key;
  if (key) kept.set(key, event.target.value);
});

document.addEventListener('click', async (event) => {
  const button = event.target.closest?.('button[data-action]');
  if (!button) return;
  const { action } = button.dataset;
  if (action === 'deliver' || action === 'duplicate') {
    const e = execByName(button.dataset.execution);
    if (!e) return;
    const status = kept.get(`exec:${e.execution}:status`) ?? 'COMPLETED';
    const report = webhookReport(e, status);
    if (action === 'deliver') await api.deliverWebhook(e.callback_token, report);
    else await Promise.all([api.deliverWebhook(e.callback_token, report), api.deliverWebhook(e.callback_token, report)]);
  } else if (action === 'report') {
    const jobId = button.dataset.job;
    const status = kept.get(`job:${jobId}:status`) ?? 'processing';
    const report = { status };
    if (status === 'completed') report.output = { s3Uri: `s3://dev-output/videos/${jobId}.mp4`, duration: 12 };
    if (status === 'failed' || status === 'retrying') report.error = { message: `Simulated ${status}` };
    await api.reportStatus(jobId, report);
  }
});

$('runpod-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const runpod = form.get('mode') === 'auto' ? { status: form.get('status'), after_seconds: Number(form.get('after')) } : null;
  await api.startRunPodJob(runpod);
});

$('sfn-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  await api.startOutage(Number(new FormData(event.target).get('seconds')));
});
$('end-outage').addEventListener('click', () => api.endOutage());
$('run-redrive').addEventListener('click', () => api.redrive());

$('job-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  await api.submitJob(String(form.get('spec')), String(form.get('key') ?? '').trim());
});

$('ecs-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  await api.dispatch(String(new FormData(event.target).get('url')));
});

$('quota-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const operation = event.submitter?.value ?? 'reserve';
  const jobId = String(new FormData(event.target).get('job_id'));
  const today = latest?.quota?.date;
  await api.quota(operation, operation === 'check' ? {} : operation === 'release' ? { job_id: jobId, date: today } : { job_id: jobId });
});

connect();
