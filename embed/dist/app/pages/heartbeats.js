// Heartbeats (cron-job monitoring): list, form, and the detail with the copyable
// ping URL and ready-made curl / cron / systemd snippets, plus recent pings.
import { html, useState } from '../html.js';
import { api, ApiError } from '../api.js';
import { navigate } from '../router.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, StatusBadge, CopyButton, useResource, Resource, useConfirm, toast, fmtTime, fmtAgo } from '../ui.js';

export function Heartbeats() {
  const res = useResource(() => api.get('/heartbeats'), []);
  return html`<${PageHeader} title="Heartbeats" subtitle="Jobs that ping AlertifyPro; silence past the schedule raises an alert.">
      <a class="btn btn-primary" href="/heartbeats/new">Add a heartbeat</a><//>
    <${Resource} res=${res}>${(list) => list.length === 0
      ? html`<${EmptyState} title="No heartbeats yet" action=${html`<a class="btn btn-primary" href="/heartbeats/new">Add a heartbeat</a>`}>Add one for each cron job or backup script; it gets a URL to ping when it finishes.<//>`
      : html`<${Table} caption="Heartbeats" rows=${list} columns=${[
        { label: 'Name', render: (h) => html`<a href=${'/heartbeats/' + h.id}>${h.name}</a>` },
        { label: 'Status', render: (h) => html`<${StatusBadge} status=${h.status} />` },
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
    <${Field} label="Schedule" name="schedule" hint='"every 5m", "every 1h", or a cron expression such as "0 3 * * *".' value=${v.schedule} onInput=${set('schedule')} error=${fe('schedule')} />
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

export function HeartbeatDetail({ params }) {
  const res = useResource(() => Promise.all([api.get('/heartbeats/' + params.id), api.get(`/heartbeats/${params.id}/pings`)]), [params.id]);
  const [dialog, confirm] = useConfirm();
  const [err, setErr] = useState(null);
  async function toggle(h) {
    setErr(null);
    try { await api.post(`/heartbeats/${h.id}/${h.status === 'paused' ? 'resume' : 'pause'}`); res.reload(); } catch (e) { setErr(e); }
  }
  return html`<${Resource} res=${res}>${([h, pings]) => {
    const url = h.ping_url;
    return html`<${PageHeader} title=${h.name} subtitle=${'Schedule: ' + h.schedule}>
        <${StatusBadge} status=${h.status} />
        <${Button} onClick=${() => toggle(h)}>${h.status === 'paused' ? 'Resume' : 'Pause'}<//>
        <a class="btn" href=${`/heartbeats/${h.id}/edit`}>Edit</a>
        <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/heartbeats/' + h.id); navigate('/heartbeats'); }, { title: 'Delete this heartbeat?', body: 'Pings to its URL will be refused.', label: 'Delete', danger: true })}>Delete<//>
      <//>${dialog}<${ErrorBanner} error=${err} />
      <section class="card"><h2>Ping URL</h2>
        <div class="secret"><code>${url}</code><${CopyButton} text=${url} label="Copy ping URL" /></div>
        <p class="hint">GET or POST it when the job succeeds; append /start when it begins (to measure duration) or /fail when it fails.</p>
        <${Snippet} title="curl" text=${`curl -fsS -m 10 --retry 3 ${url}`} />
        <${Snippet} title="cron" text=${`# run the job, then ping on success\n0 3 * * * /usr/local/bin/backup.sh && curl -fsS -m 10 --retry 3 ${url} > /dev/null`} />
        <${Snippet} title="systemd" text=${`# /etc/systemd/system/backup.service\n[Service]\nType=oneshot\nExecStartPre=-/usr/bin/curl -fsS -m 10 ${url}/start\nExecStart=/usr/local/bin/backup.sh\nExecStartPost=/usr/bin/curl -fsS -m 10 --retry 3 ${url}\nExecStopPost=/bin/sh -c 'test "$SERVICE_RESULT" = success || /usr/bin/curl -fsS -m 10 ${url}/fail'`} />
      </section>
      <h2>Recent pings</h2>
      ${pings.length === 0 ? html`<p class="muted">No pings yet. Run one of the snippets above to send the first.</p>`
        : html`<${Table} caption="Pings" rowKey=${(p) => p.received_at + p.kind} rows=${pings} columns=${[
          { label: 'When', render: (p) => fmtTime(p.received_at) }, { label: 'Kind', key: 'kind' },
          { label: 'From', key: 'source_ip' }, { label: 'Duration', render: (p) => (p.duration_ms != null ? `${p.duration_ms} ms` : '—') }]} />`}`;
  }}<//>`;
}
