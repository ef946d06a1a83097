// Heartbeats (cron-job monitoring): list, form, and the live detail with the copyable
// ping URL, curl / cron / systemd snippets built from the schedule, and recent pings.
import { html, useState } from '../html.js';
import { api, ApiError } from '../api.js';
import { navigate } from '../router.js';
import { usePoll } from '../poll.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, CopyButton, Loading, useResource, Resource, useConfirm, toast, fmtTime, fmtAgo } from '../ui.js';
import { snippets, parseEvery } from './heartbeat-cron.js';

// HEARTBEAT_BADGE words a heartbeat's status in the app's one vocabulary (Up, Late,
// Down, Paused) with the matching badge colour.
const HEARTBEAT_BADGE = { healthy: ['up', 'Up'], new: ['pending', 'New'], late: ['degraded', 'Late'], down: ['down', 'Down'], paused: ['paused', 'Paused'] };

function HeartbeatBadge({ status }) {
  const [cls, label] = HEARTBEAT_BADGE[status] || ['unknown', status];
  return html`<span class=${'badge badge-' + cls} data-status=${status}>${label}</span>`;
}

export function Heartbeats() {
  const res = useResource(() => api.get('/heartbeats'), []);
  return html`<${PageHeader} title="Heartbeats" subtitle="Jobs that ping AlertifyPro; silence past the schedule raises an alert.">
      <a class="btn btn-primary" href="/heartbeats/new">Add a heartbeat</a><//>
    <${Resource} res=${res}>${(list) => list.length === 0
      ? html`<${EmptyState} title="No heartbeats yet" action=${html`<a class="btn btn-primary" href="/heartbeats/new">Add a heartbeat</a>`}>Add one for each cron job or backup script; it gets a URL to ping when it finishes.<//>`
      : html`<${Table} caption="Heartbeats" rows=${list} columns=${[
        { label: 'Name', render: (h) => html`<a href=${'/heartbeats/' + h.id}>${h.name}</a>` },
        { label: 'Status', render: (h) => html`<${HeartbeatBadge} status=${h.status} />` },
        { label: 'Schedule', render: (h) => html`<code>${h.schedule}</code>` },
        { label: 'Last ping', render: (h) => fmtAgo(h.last_ping_at) },
        { label: 'Next expected', render: (h) => fmtTime(h.next_expected_at) }]} />`}<//>`;
}

function HeartbeatForm({ beat }) {
  const [v, setV] = useState({ name: beat?.name || '', schedule: beat?.schedule || 'every 1h', timezone: beat?.timezone || '', grace_period_seconds: beat?.grace_period_seconds ?? 300 });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    const body = { ...v, grace_period_seconds: Number(v.grace_period_seconds) };
    if (!body.timezone) delete body.timezone;
    try {
      const saved = beat ? await api.put('/heartbeats/' + beat.id, body) : await api.post('/heartbeats', body);
      toast('Heartbeat saved');
      navigate('/heartbeats/' + saved.id);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${error} shownFields=${['name', 'schedule', 'timezone', 'grace_period_seconds']} />
    <${Field} label="Name" name="name" value=${v.name} onInput=${set('name')} error=${fe('name')} />
    <${Field} label="Schedule" name="schedule" hint='"every 5 minutes", "every hour", "every 2 hours", "every day" (or "every 5m"), or a cron expression such as "0 3 * * *".' value=${v.schedule} onInput=${set('schedule')} error=${fe('schedule')} />
    <${Field} label="Time zone" name="timezone" hint="For cron schedules, e.g. Europe/Berlin. Empty: the organization's." value=${v.timezone} onInput=${set('timezone')} error=${fe('timezone')} />
    <${Field} label="Grace period (seconds)" name="grace_period_seconds" type="number" min="0" value=${v.grace_period_seconds} onInput=${set('grace_period_seconds')} error=${fe('grace_period_seconds')} />
    <div class="form-actions"><${Button} kind="primary" type="submit" busy=${busy}>${beat ? 'Save changes' : 'Create heartbeat'}<//><a class="btn" href="/heartbeats">Cancel</a></div>
  </form>`;
}

export function HeartbeatNew() { return html`<${PageHeader} title="Add a heartbeat" /><${HeartbeatForm} />`; }
export function HeartbeatEdit({ params }) {
  const res = useResource(() => api.get('/heartbeats/' + params.id), [params.id]);
  return html`<${Resource} res=${res}>${(h) => html`<${PageHeader} title=${'Edit ' + h.name} /><${HeartbeatForm} beat=${h} />`}<//>`;
}

function Snippet({ title, text }) {
  return html`<div class="snippet"><div class="row"><strong>${title}</strong><${CopyButton} text=${text} label=${'Copy ' + title} /></div><pre>${text}</pre></div>`;
}

// Waiting says, until the first ping arrives, that nothing has been heard yet and how to
// send one; the page polls every two seconds meanwhile, so the ping shows within moments.
function Waiting({ h, curl }) {
  return html`<section class="card hb-waiting" role="status" aria-live="polite">
    <h2><span class="hb-pulse" aria-hidden="true"></span>Waiting for first ping</h2>
    <p>Nothing has been received on this heartbeat's URL yet. Run the job (or <code>${curl}</code>) and this page updates by itself.</p>
    <p class="muted">The first deadline is ${fmtTime(h.next_expected_at)} (${h.schedule}, plus ${h.grace_period_seconds} s grace); without a ping by then the heartbeat goes down and alerts.</p>
  </section>`;
}

// HeartbeatDetail is live like the service detail: it polls the heartbeat and its pings
// (every 2 s until the first ping, then every 5 s) without a reload.
export function HeartbeatDetail({ params }) {
  const id = params.id;
  const [data, setData] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [dialog, confirm] = useConfirm();
  const [err, setErr] = useState(null);
  async function load() {
    try {
      const [h, pings] = await Promise.all([api.get('/heartbeats/' + id), api.get(`/heartbeats/${id}/pings`)]);
      setData((old) => (old && JSON.stringify(old) === JSON.stringify({ h, pings }) ? old : { h, pings }));
      setLoadError(null);
    } catch (e) { setLoadError(e); }
  }
  const waiting = !!data && !data.h.last_ping_at && data.h.status !== 'paused';
  usePoll(load, waiting ? 2000 : 5000, [id, waiting]);
  async function toggle(h) {
    setErr(null);
    try { await api.post(`/heartbeats/${h.id}/${h.status === 'paused' ? 'resume' : 'pause'}`); await load(); } catch (e) { setErr(e); }
  }
  if (!data) return loadError ? html`<${PageHeader} title="Heartbeat" /><${ErrorBanner} error=${loadError} />` : html`<${Loading} />`;
  const { h, pings } = data;
  const sn = snippets(h);
  return html`<${PageHeader} title=${h.name} subtitle=${'Schedule: ' + h.schedule + (h.timezone && !parseEvery(h.schedule) ? ` (${h.timezone})` : '')}>
      ${waiting ? html`<span class="badge" data-status="waiting">Waiting</span>` : html`<${HeartbeatBadge} status=${h.status} />`}
      <${Button} onClick=${() => toggle(h)}>${h.status === 'paused' ? 'Resume' : 'Pause'}<//>
      <a class="btn" href=${`/heartbeats/${h.id}/edit`}>Edit</a>
      <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/heartbeats/' + h.id); navigate('/heartbeats'); }, { title: 'Delete this heartbeat?', body: 'Pings to its URL will be refused.', label: 'Delete', danger: true })}>Delete<//>
    <//>${dialog}<${ErrorBanner} error=${err} />
    ${loadError && html`<${ErrorBanner} error=${new Error('Could not refresh: ' + loadError.message)} />`}
    ${waiting ? html`<${Waiting} h=${h} curl=${sn.curl} />` : html`<div class="grid">
      <div class="card"><div class="muted">Last ping</div><div class="stat">${fmtAgo(h.last_ping_at)}</div><div class="muted">${fmtTime(h.last_ping_at)}</div></div>
      <div class="card"><div class="muted">Next expected</div><div class="stat">${h.next_expected_at ? fmtTime(h.next_expected_at) : '—'}</div><div class="muted">plus ${h.grace_period_seconds} s grace</div></div>
      <div class="card"><div class="muted">Last run took</div><div class="stat">${h.last_duration_ms != null ? `${h.last_duration_ms} ms` : '—'}</div><div class="muted">measured from /start</div></div>
    </div>`}
    <section class="card"><h2>Ping URL</h2>
      <div class="secret"><code>${sn.url}</code><${CopyButton} text=${sn.url} label="Copy ping URL" /></div>
      <p class="hint">GET or POST it when the job succeeds; append /start when it begins (to measure duration) or /fail when it fails.</p>
      <${Snippet} title="curl" text=${sn.curl} />
      <${Snippet} title="cron" text=${sn.cron} />
      <${Snippet} title="systemd" text=${sn.systemd} />
    </section>
    <section aria-labelledby="pings-h"><h2 id="pings-h">Recent pings</h2>
    ${pings.length === 0 ? html`<p class="muted">No pings yet. Run one of the snippets above to send the first.</p>`
      : html`<${Table} caption="Recent pings" rowKey=${(p) => p.received_at + p.kind} rows=${pings} columns=${[
        { label: 'When', render: (p) => fmtTime(p.received_at) }, { label: 'Kind', key: 'kind' },
        { label: 'From', key: 'source_ip' }, { label: 'Duration', render: (p) => (p.duration_ms != null ? `${p.duration_ms} ms` : '—') }]} />`}
    </section>`;
}
