// Heartbeats (cron-job monitoring): list, form, and the live detail with the copyable
// ping URL, curl / cron / systemd snippets built from the schedule, and recent pings.
import { html, useState } from '../html.js';
import { api, ApiError } from '../api.js';
import { navigate } from '../router.js';
import { usePoll } from '../poll.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, CopyButton, Loading, useResource, Resource, useConfirm, toast, fmtTime, fmtAgo } from '../ui.js';
import { snippets, parseEvery } from './heartbeat-cron.js';
import { can, RoleNote } from '../roles.js';
import { t } from '../i18n.js';

// heartbeatBadge words a heartbeat's status in the app's one vocabulary (Up, Late,
// Down, Paused) with the matching badge colour.
function heartbeatBadge(status) {
  const badges = {
    healthy: ['up', t('status.up')], new: ['pending', t('heartbeats.status_new')], late: ['degraded', t('heartbeats.status_late')],
    down: ['down', t('status.down')], paused: ['paused', t('status.paused')],
  };
  return badges[status] || ['unknown', status];
}

function HeartbeatBadge({ status }) {
  const [cls, label] = heartbeatBadge(status);
  return html`<span class=${'badge badge-' + cls} data-status=${status}>${label}</span>`;
}

export function Heartbeats({ org }) {
  const res = useResource(() => api.get('/heartbeats'), []);
  const mayEdit = can(org, 'member');
  const add = mayEdit && html`<a class="btn btn-primary" href="/heartbeats/new">${t('heartbeats.add')}</a>`;
  return html`<${PageHeader} title=${t('heartbeats.title')} subtitle=${t('heartbeats.subtitle')}>${add}<//>
    <${RoleNote} org=${org} min="member" what=${t('heartbeats.role_what')} />
    <${Resource} res=${res}>${(list) => list.length === 0
      ? html`<${EmptyState} title=${t('heartbeats.empty_title')} action=${add || undefined}>${t('heartbeats.empty_text')}<//>`
      : html`<${Table} caption=${t('heartbeats.title')} rows=${list} columns=${[
        { label: t('common.name'), render: (h) => html`<a href=${'/heartbeats/' + h.id}>${h.name}</a>` },
        { label: t('common.status'), render: (h) => html`<${HeartbeatBadge} status=${h.status} />` },
        { label: t('heartbeats.schedule'), render: (h) => html`<code>${h.schedule}</code>` },
        { label: t('heartbeats.last_ping'), render: (h) => fmtAgo(h.last_ping_at) },
        { label: t('heartbeats.next_expected'), render: (h) => fmtTime(h.next_expected_at) }]} />`}<//>`;
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
      toast(t('heartbeats.saved'));
      navigate('/heartbeats/' + saved.id);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${error} shownFields=${['name', 'schedule', 'timezone', 'grace_period_seconds']} />
    <${Field} label=${t('common.name')} name="name" value=${v.name} onInput=${set('name')} error=${fe('name')} />
    <${Field} label=${t('heartbeats.schedule')} name="schedule" hint=${t('heartbeats.schedule_hint')} value=${v.schedule} onInput=${set('schedule')} error=${fe('schedule')} />
    <${Field} label=${t('heartbeats.timezone')} name="timezone" hint=${t('heartbeats.timezone_hint')} value=${v.timezone} onInput=${set('timezone')} error=${fe('timezone')} />
    <${Field} label=${t('heartbeats.grace')} name="grace_period_seconds" type="number" min="0" value=${v.grace_period_seconds} onInput=${set('grace_period_seconds')} error=${fe('grace_period_seconds')} />
    <div class="form-actions"><${Button} kind="primary" type="submit" busy=${busy}>${beat ? t('heartbeats.save_changes') : t('heartbeats.create')}<//><a class="btn" href="/heartbeats">${t('common.cancel')}</a></div>
  </form>`;
}

export function HeartbeatNew({ org }) {
  return html`<${PageHeader} title=${t('heartbeats.add')} /><${RoleNote} org=${org} min="member" what=${t('heartbeats.role_what')} />
    ${can(org, 'member') && html`<${HeartbeatForm} />`}`;
}
export function HeartbeatEdit({ params, org }) {
  const res = useResource(() => api.get('/heartbeats/' + params.id), [params.id]);
  return html`<${Resource} res=${res}>${(h) => html`<${PageHeader} title=${t('heartbeats.edit_title', { name: h.name })} />
    <${RoleNote} org=${org} min="member" what=${t('heartbeats.role_what')} />${can(org, 'member') && html`<${HeartbeatForm} beat=${h} />`}`}<//>`;
}

function Snippet({ title, text }) {
  return html`<div class="snippet"><div class="row"><strong>${title}</strong><${CopyButton} text=${text} label=${t('heartbeats.copy_snippet', { title })} /></div><pre>${text}</pre></div>`;
}

// Waiting says, until the first ping arrives, that nothing has been heard yet and how to
// send one; the page polls every two seconds meanwhile, so the ping shows within moments.
function Waiting({ h, curl }) {
  return html`<section class="card hb-waiting" role="status" aria-live="polite">
    <h2><span class="hb-pulse" aria-hidden="true"></span>${t('dashboard_rows.waiting')}</h2>
    <p>${t('heartbeats.waiting_before')} <code>${curl}</code>${t('heartbeats.waiting_after')}</p>
    <p class="muted">${t('heartbeats.first_deadline', { time: fmtTime(h.next_expected_at), schedule: h.schedule, grace: h.grace_period_seconds })}</p>
  </section>`;
}

// HeartbeatDetail is live like the service detail: it polls the heartbeat and its pings
// (every 2 s until the first ping, then every 5 s) without a reload.
export function HeartbeatDetail({ params, org }) {
  const mayEdit = can(org, 'member');
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
  if (!data) return loadError ? html`<${PageHeader} title=${t('dashboard.heartbeat')} /><${ErrorBanner} error=${loadError} />` : html`<${Loading} />`;
  const { h, pings } = data;
  const sn = snippets(h);
  return html`<${PageHeader} title=${h.name} subtitle=${t('heartbeats.schedule_subtitle', { schedule: h.schedule }) + (h.timezone && !parseEvery(h.schedule) ? ` (${h.timezone})` : '')}>
      ${waiting ? html`<span class="badge" data-status="waiting">${t('heartbeats.waiting')}</span>` : html`<${HeartbeatBadge} status=${h.status} />`}
      ${mayEdit && html`<${Button} onClick=${() => toggle(h)}>${h.status === 'paused' ? t('dashboard.resume') : t('dashboard.pause')}<//>
      <a class="btn" href=${`/heartbeats/${h.id}/edit`}>${t('common.edit')}</a>
      <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/heartbeats/' + h.id); navigate('/heartbeats'); }, { title: t('heartbeats.delete_title'), body: t('heartbeats.delete_body'), label: t('common.delete'), danger: true })}>${t('common.delete')}<//>`}
    <//>${dialog}<${ErrorBanner} error=${err} />
    <${RoleNote} org=${org} min="member" what=${t('heartbeats.role_what_detail')} />
    ${loadError && html`<${ErrorBanner} error=${new Error(t('heartbeats.refresh_failed', { message: loadError.message }))} />`}
    ${waiting ? html`<${Waiting} h=${h} curl=${sn.curl} />` : html`<div class="grid">
      <div class="card"><div class="muted">${t('heartbeats.last_ping')}</div><div class="stat">${fmtAgo(h.last_ping_at)}</div><div class="muted">${fmtTime(h.last_ping_at)}</div></div>
      <div class="card"><div class="muted">${t('heartbeats.next_expected')}</div><div class="stat">${h.next_expected_at ? fmtTime(h.next_expected_at) : '—'}</div><div class="muted">${t('heartbeats.plus_grace', { grace: h.grace_period_seconds })}</div></div>
      <div class="card"><div class="muted">${t('heartbeats.last_run_took')}</div><div class="stat">${h.last_duration_ms != null ? `${h.last_duration_ms} ms` : '—'}</div><div class="muted">${t('heartbeats.measured_from_start')}</div></div>
    </div>`}
    <section class="card"><h2>${t('heartbeats.ping_url')}</h2>
      <div class="secret"><code>${sn.url}</code><${CopyButton} text=${sn.url} label=${t('heartbeats.copy_ping_url')} /></div>
      <p class="hint">${t('heartbeats.ping_hint')}</p>
      <${Snippet} title="curl" text=${sn.curl} />
      <${Snippet} title="cron" text=${sn.cron} />
      <${Snippet} title="systemd" text=${sn.systemd} />
    </section>
    <section aria-labelledby="pings-h"><h2 id="pings-h">${t('heartbeats.recent_pings')}</h2>
    ${pings.length === 0 ? html`<p class="muted">${t('heartbeats.no_pings')}</p>`
      : html`<${Table} caption=${t('heartbeats.recent_pings')} rowKey=${(p) => p.received_at + p.kind} rows=${pings} columns=${[
        { label: t('heartbeats.when'), render: (p) => fmtTime(p.received_at) }, { label: t('heartbeats.kind'), key: 'kind' },
        { label: t('heartbeats.from'), key: 'source_ip' }, { label: t('heartbeats.duration'), render:
 (p) => (p.duration_ms != null ? `${p.duration_ms} ms` : '—') }]} />`}
    </section>`;
}
