// Maintenance windows: a calendar-like list (grouped by day) and a form for
// windows, one-off or recurring (daily, weekly, monthly, cron), to schedule and edit.
import { html, useState } from '../html.js';
import { api, ApiError, listAll } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, EmptyState, useResource, Resource, useConfirm, toast, fmtTime } from '../ui.js';
import { t, language } from '../i18n.js';
import { can, RoleNote } from '../roles.js';

function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// weekdays are the day names, Sunday first (the API's 0..6), in the reader's language
// (1 January 2023 was a Sunday).
function weekdays() {
  return Array.from({ length: 7 }, (_, i) => new Date(Date.UTC(2023, 0, 1 + i)).toLocaleDateString(language(), { weekday: 'long', timeZone: 'UTC' }));
}
// kindText names a recurrence type in the window list ("repeats (weekly)").
function kindText(type) {
  return { daily: t('maintenance.kind.daily'), weekly: t('maintenance.kind.weekly'), monthly: t('maintenance.kind.monthly'), cron: t('maintenance.kind.cron') }[type] || type;
}
function repeats() {
  return [{ value: '', label: t('maintenance.repeat.none') }, { value: 'daily', label: t('maintenance.repeat.daily') }, { value: 'weekly', label: t('maintenance.repeat.weekly') },
    { value: 'monthly', label: t('maintenance.repeat.monthly') }, { value: 'cron', label: t('maintenance.repeat.cron') }];
}

function initialValues(w) {
  const start = new Date(Date.now() + 3600_000);
  if (!w) {
    return { name: '', description: '', starts_at: localInput(start), ends_at: localInput(new Date(start.getTime() + 3600_000)), service_ids: [], suppress_alerts: true, show_on_status_pages: true,
      repeat: '', days_of_week: [], day_of_month: 1, expression: '', duration_minutes: 60, until: '', timezone: '' };
  }
  const r = w.recurrence || {};
  return { name: w.name, description: w.description || '', starts_at: localInput(new Date(w.starts_at)), ends_at: w.ends_at ? localInput(new Date(w.ends_at)) : '',
    service_ids: w.service_ids || [], suppress_alerts: w.suppress_alerts, show_on_status_pages: w.show_on_status_pages,
    repeat: r.type || '', days_of_week: r.days_of_week || [], day_of_month: r.day_of_month || 1, expression: r.expression || '',
    duration_minutes: r.duration_minutes || 60, until: r.until ? localInput(new Date(r.until)) : '', timezone: w.timezone || '' };
}

// body turns the form into the API's request: a one-off window has starts_at and ends_at;
// a recurring one has its first start and a recurrence rule (until ends the series).
function body(v) {
  const b = { name: v.name, description: v.description, service_ids: v.service_ids, suppress_alerts: v.suppress_alerts, show_on_status_pages: v.show_on_status_pages,
    starts_at: new Date(v.starts_at).toISOString() };
  if (v.timezone) b.timezone = v.timezone;
  if (!v.repeat) return { ...b, ends_at: v.ends_at ? new Date(v.ends_at).toISOString() : undefined, recurrence: null };
  const r = { type: v.repeat, duration_minutes: Number(v.duration_minutes) };
  if (v.repeat === 'weekly') r.days_of_week = v.days_of_week;
  if (v.repeat === 'monthly') r.day_of_month = Number(v.day_of_month);
  if (v.repeat === 'cron') r.expression = v.expression;
  if (v.until) r.until = new Date(v.until).toISOString();
  return { ...b, recurrence: r };
}

// WindowForm schedules a window, or edits one when win is given (PUT).
function WindowForm({ services, win, onDone, onCancel }) {
  const [v, setV] = useState(() => initialValues(win));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      if (win) { await api.put('/maintenance-windows/' + win.id, body(v)); toast(t('maintenance.saved')); } else {
        await api.post('/maintenance-windows', body(v)); toast(t('maintenance.scheduled')); setV(initialValues()); }
      onDone();
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const toggle = (id) => setV((o) => ({ ...o, service_ids: o.service_ids.includes(id) ? o.service_ids.filter((x) => x !== id) : [...o.service_ids, id] }));
  const toggleDay = (d) => setV((o) => ({ ...o, days_of_week: o.days_of_week.includes(d) ? o.days_of_week.filter((x) => x !== d) : [...o.days_of_week, d].sort() }));
  const recFields = ['recurrence', 'recurrence.type', 'recurrence.days_of_week', 'recurrence.day_of_month', 'recurrence.expression', 'recurrence.duration_minutes', 'recurrence.until'];
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>${win ? t('maintenance.edit_title', { name: win.name }) : t('maintenance.new_title')}</h2>
    <${ErrorBanner} error=${error} shownFields=${['name', 'description', 'starts_at', ...(v.repeat ? [] : ['ends_at']), 'service_ids', 'suppress_alerts', 'show_on_status_pages', 'timezone', ...recFields]} />
    <${Field} label=${t('common.name')} name="name" value=${v.name} onInput=${set('name')} error=${fe('name')} />
    <${Field} label=${t('maintenance.description')} name="description" value=${v.description} onInput=${set('description')} error=${fe('description')} />
    <${Field} label=${v.repeat ? t('maintenance.first_start') : t('maintenance.start')} name="starts_at" type="datetime-local" value=${v.starts_at} onInput=${set('starts_at')} error=${fe('starts_at')} />
    ${!v.repeat && html`<${Field} label=${t('maintenance.end')} name="ends_at" type="datetime-local" value=${v.ends_at} onInput=${set('ends_at')} error=${fe('ends_at')} />`}
    <${Field} label=${t('maintenance.repeats')} name="repeat" as="select" options=${repeats()} value=${v.repeat} onInput=${set('repeat')} error=${fe('recurrence.type') || fe('recurrence')} />
    ${v.repeat === 'weekly' && html`<fieldset><legend>${t('maintenance.days')}</legend>
      ${weekdays().map((d, i) => html`<${Field} type="checkbox" label=${d} name=${'dow-' + i} value=${v.days_of_week.includes(i)} onInput=${() => toggleDay(i)} />`)}
      ${fe('recurrence.days_of_week') && html`<div class="field-error">${fe('recurrence.days_of_week')}</div>`}</fieldset>`}
    ${v.repeat === 'monthly' && html`<${Field} label=${t('maintenance.day_of_month')} name="day_of_month" type="number" min="1" max="31" value=${v.day_of_month} onInput=${set('day_of_month')} error=${fe('recurrence.day_of_month')} />`}
    ${v.repeat === 'cron' && html`<${Field} label=${t('maintenance.repeat.cron')} name="expression" value=${v.expression} onInput=${set('expression')} error=${fe('recurrence.expression')} hint=${t('maintenance.cron_hint')} />`}
    ${v.repeat && html`<${Field} label=${t('maintenance.duration')} name="duration_minutes" type="number" min="1" value=${v.duration_minutes} onInput=${set('duration_minutes')} error=${fe('recurrence.duration_minutes')} />
      <${Field} label=${t('maintenance.until')} name="until" type="datetime-local" value=${v.until} onInput=${set('until')} error=${fe('recurrence.until')} />`}
    <${Field} label=${t('maintenance.timezone')} name="timezone" value=${v.timezone} onInput=${set('timezone')} error=${fe('timezone')} hint=${t('maintenance.timezone_hint')} />
    <fieldset><legend>${t('maintenance.services')}</legend>
      ${services.length === 0 ? html`<p class="hint">${t('maintenance.no_services_yet')}</p>` : services.map((s) => html`<${Field} type="checkbox" label=${s.name} name=${'svc-' + s.id} value=${v.service_ids.includes(s.id)} onInput=${() => toggle(s.id)} />`)}
      ${fe('service_ids') && html`<div class="field-error">${fe('service_ids')}</div>`}
    </fieldset>
    <${Field} type="checkbox" label=${t('maintenance.suppress')} name="suppress_alerts" value=${v.suppress_alerts} onInput=${set('suppress_alerts')} error=${fe('suppress_alerts')} />
    <${Field} type="checkbox" label=${t('maintenance.announce')} name="show_on_status_pages" value=${v.show_on_status_pages} onInput=${set('show_on_status_pages')} error=${fe('show_on_status_pages')} />
    <div class="row"><${Button} kind="primary" type="submit" busy=${busy}>${win ? t('maintenance.save') : t('maintenance.schedule')}<//>
      ${win && html`<${Button} onClick=${onCancel}>${t('common.cancel')}<//>`}</div>
  </form>`;
}

export function Maintenance({ org }) {
  const mayEdit = can(org, 'member');
  const res = useResource(() => Promise.all([api.get('/maintenance-windows'), listAll('/services?limit=1000')]), []);
  const [dialog, confirm] = useConfirm();
  const [editing, setEditing] = useState(null);
  return html`<${PageHeader} title=${t('maintenance.title')} subtitle=${t('maintenance.subtitle')} />${dialog}
    <${RoleNote} org=${org} min="member" what=${t('maintenance.role_what')} />
    <${Resource} res=${res}>${([list, services]) => {
      const name = (id) => services.find((s) => s.id === id)?.name || id;
      const when = (w) => new Date(w.next_window?.start || w.starts_at);
      const byDay = new Map();
      for (const w of [...list].sort((a, b) => when(a) - when(b))) {
        const day = when(w).toLocaleDateString(language(), { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
        if (!byDay.has(day)) byDay.set(day, []);
        byDay.get(day).push(w);
      }
      return html`${list.length === 0 ? html`<${EmptyState} title=${t('maintenance.empty_title')}>${mayEdit ? t('maintenance.empty_body') : t('maintenance.empty_body_viewer')}<//>`
        : [...byDay].map(([day, ws]) => html`<section class="card" key=${day}><h2>${day}</h2><ul class="plain">${ws.map((w) => html`<li key=${w.id}>
            <strong>${w.name}</strong> ${w.active && html`<span class="badge badge-maintenance">${t('maintenance.in_progress')}</span>`}
            <div class="muted">${fmtTime(w.next_window?.start || w.starts_at)} → ${fmtTime(w.next_window?.end || w.ends_at)}${w.recurrence ? ' · ' + t('maintenance.repeats_type', { type: kindText(w.recurrence.type) }) : ''}</div>
            <div>${(w.service_ids || []).map(name).join(', ') || t('maintenance.no_services')}</div>
            ${mayEdit && html`<div class="row">
              ${w.active && html`<${Button} onClick=${async () => { await api.post(`/maintenance-windows/${w.id}/end`); res.reload(); }}>${t('maintenance.end_now')}<//>`}
              <${Button} aria-label=${t('maintenance.edit_label', { name: w.name })} onClick=${() => setEditing(w)}>${t('common.edit')}<//>
              <${Button} kind="danger" aria-label=${t('maintenance.delete_label', { name: w.name })} onClick=${() => confirm(async () => { await api.del('/maintenance-windows/' + w.id); res.reload(); }, { title: t('maintenance.delete_title'), body: w.name, label: t('common.delete'), danger: true })}>${t('common.delete')}<//>
            </div>`}</li>`)}</ul></section>`)}
        ${!mayEdit ? null : editing ? html`<${WindowForm} key=${'edit-' + editing.id} services=${services} win=${editing} onCancel=${() => setEditing(null)} onDone=${() => { setEditing(null); res.reload(); }} />`
          : html`<${WindowForm} key="new" services=${services} onDone=${res.reload} />`}`;
    }}<//>`;
}
