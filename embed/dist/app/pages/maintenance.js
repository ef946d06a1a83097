// Maintenance windows: a calendar-like list (grouped by day) and a form for
// one-off windows; recurring windows created through the API are listed too.
import { html, useState } from '../html.js';
import { api, ApiError, listAll } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, EmptyState, useResource, Resource, useConfirm, toast, fmtTime } from '../ui.js';

function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function WindowForm({ services, onDone }) {
  const start = new Date(Date.now() + 3600_000);
  const [v, setV] = useState({ name: '', description: '', starts_at: localInput(start), ends_at: localInput(new Date(start.getTime() + 3600_000)), service_ids: [], suppress_alerts: true, show_on_status_pages: true });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      await api.post('/maintenance-windows', { ...v, starts_at: new Date(v.starts_at).toISOString(), ends_at: new Date(v.ends_at).toISOString() });
      toast('Maintenance window scheduled');
      onDone();
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const toggle = (id) => setV((o) => ({ ...o, service_ids: o.service_ids.includes(id) ? o.service_ids.filter((x) => x !== id) : [...o.service_ids, id] }));
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>Schedule a window</h2>
    <${ErrorBanner} error=${error} shownFields=${['name', 'description', 'starts_at', 'ends_at', 'service_ids', 'suppress_alerts', 'show_on_status_pages']} />
    <${Field} label="Name" name="name" value=${v.name} onInput=${set('name')} error=${fe('name')} />
    <${Field} label="Description" name="description" value=${v.description} onInput=${set('description')} error=${fe('description')} />
    <${Field} label="Starts" name="starts_at" type="datetime-local" value=${v.starts_at} onInput=${set('starts_at')} error=${fe('starts_at')} />
    <${Field} label="Ends" name="ends_at" type="datetime-local" value=${v.ends_at} onInput=${set('ends_at')} error=${fe('ends_at')} />
    <fieldset><legend>Services</legend>
      ${services.length === 0 ? html`<p class="hint">No services yet.</p>` : services.map((s) => html`<${Field} type="checkbox" label=${s.name} name=${'svc-' + s.id} value=${v.service_ids.includes(s.id)} onInput=${() => toggle(s.id)} />`)}
      ${fe('service_ids') && html`<div class="field-error">${fe('service_ids')}</div>`}
    </fieldset>
    <${Field} type="checkbox" label="Suppress alerts during the window" name="suppress_alerts" value=${v.suppress_alerts} onInput=${set('suppress_alerts')} error=${fe('suppress_alerts')} />
    <${Field} type="checkbox" label="Announce on status pages" name="show_on_status_pages" value=${v.show_on_status_pages} onInput=${set('show_on_status_pages')} error=${fe('show_on_status_pages')} />
    <${Button} kind="primary" type="submit" busy=${busy}>Schedule<//>
  </form>`;
}

export function Maintenance() {
  const res = useResource(() => Promise.all([api.get('/maintenance-windows'), listAll('/services?limit=1000')]), []);
  const [dialog, confirm] = useConfirm();
  return html`<${PageHeader} title="Maintenance windows" subtitle="Planned work: checks record MAINTENANCE and alerts can stay quiet." />${dialog}
    <${Resource} res=${res}>${([list, services]) => {
      const name = (id) => services.find((s) => s.id === id)?.name || id;
      const when = (w) => new Date(w.next_window?.start || w.starts_at);
      const byDay = new Map();
      for (const w of [...list].sort((a, b) => when(a) - when(b))) {
        const day = when(w).toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
        if (!byDay.has(day)) byDay.set(day, []);
        byDay.get(day).push(w);
      }
      return html`${list.length === 0 ? html`<${EmptyState} title="No maintenance planned">Schedule a window below before planned work, so nobody is paged for it.<//>`
        : [...byDay].map(([day, ws]) => html`<section class="card" key=${day}><h2>${day}</h2><ul class="plain">${ws.map((w) => html`<li key=${w.id}>
            <strong>${w.name}</strong> ${w.active && html`<span class="badge badge-maintenance">In progress</span>`}
            <div class="muted">${fmtTime(w.next_window?.start || w.starts_at)} → ${fmtTime(w.next_window?.end || w.ends_at)}${w.recurrence ? ` · repeats (${w.recurrence.type})` : ''}</div>
            <div>${(w.service_ids || []).map(name).join(', ') || 'No services'}</div>
            <div class="row">
              ${w.active && html`<${Button} onClick=${async () => { await api.post(`/maintenance-windows/${w.id}/end`); res.reload(); }}>End now<//>`}
              <${Button} kind="danger" aria-label=${'Delete ' + w.name} onClick=${() => confirm(async () => { await api.del('/maintenance-windows/' + w.id); res.reload(); }, { title: 'Delete this window?', body: w.name, label: 'Delete', danger: true })}>Delete<//>
            </div></li>`)}</ul></section>`)}
        <${WindowForm} services=${services} onDone=${res.reload} />`;
    }}<//>`;
}
