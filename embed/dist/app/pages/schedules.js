// On-call schedules (SPEC §11): the list, the editor (layers, their members, rotation,
// handoff and restrictions) and, per schedule, a two-week timeline of each layer's shifts
// and the final row, where clicking a shift prefills an override for it.
import { html, useState } from '../html.js';
import { t, language } from '../i18n.js';
import { api, ApiError, listAll } from '../api.js';
import { navigate } from '../router.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, useResource, Resource, useConfirm, toast } from '../ui.js';
import { Timeline, toLocalInput, fromLocalInput, fmtWhen } from './schedule-timeline.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
// dayName is the i-th day (Monday first, as DAYS and WEEKDAYS) in the reader's language;
// 2024-01-01 was a Monday.
const dayName = (i, width) => new Date(Date.UTC(2024, 0, 1 + i)).toLocaleDateString(language(), { weekday: width, timeZone: 'UTC' });
const rotations = () => [{ value: 'daily', label: t('schedules.rotation.daily') }, { value: 'weekly', label: t('schedules.rotation.weekly') },
  { value: 'custom', label: t('schedules.rotation.custom') }];
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const zones = () => (Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : []);

const blankLayer = (i) => ({ name: t('schedules.layer.default_name', { n: i + 1 }), rotation: 'weekly', shift_hours: 12, handoff_time: '09:00', handoff_day: 'monday',
  starts_at: toLocalInput(new Date().toISOString()).slice(0, 10) + 'T09:00', users: [], restrictions: [] });
const blank = () => ({ name: '', timezone: browserZone(), handoff_notices: false, layers: [blankLayer(0)] });

// fromSchedule turns a stored schedule into the form's values.
function fromSchedule(s) {
  return { name: s.name, timezone: s.timezone, handoff_notices: s.handoff_notices, layers: s.layers.map((l) => ({
    name: l.name, rotation: l.rotation, shift_hours: l.shift_hours || 12, handoff_time: l.handoff_time, handoff_day: l.handoff_day || 'monday',
    starts_at: toLocalInput(l.starts_at), users: [...l.users], restrictions: l.restrictions.map((r) => ({ ...r, days: [...r.days] })) })) };
}

// body is what the API takes: only the fields each rotation uses.
function body(v) {
  return { name: v.name, timezone: v.timezone, handoff_notices: v.handoff_notices, layers: v.layers.map((l) => ({
    name: l.name, rotation: l.rotation, handoff_time: l.handoff_time, starts_at: fromLocalInput(l.starts_at), users: l.users,
    restrictions: l.restrictions, ...(l.rotation === 'custom' ? { shift_hours: Number(l.shift_hours) } : {}),
    ...(l.rotation === 'weekly' ? { handoff_day: l.handoff_day } : {}) })) };
}

// LayerFields edits one layer; set(k)(value) changes a field of it.
function LayerFields({ l, i, members, set, fe, onRemove }) {
  const key = (k) => `layers[${i}].${k}`;
  const toggleUser = (id) => set('users')(l.users.includes(id) ? l.users.filter((u) => u !== id) : [...l.users, id]);
  const setRes = (j, k, x) => set('restrictions')(l.restrictions.map((r, n) => (n === j ? { ...r, [k]: x } : r)));
  const nameOf = (id) => members.find((m) => m.user_id === id)?.full_name || members.find((m) => m.user_id === id)?.email || id;
  return html`<fieldset><legend>${l.name || t('schedules.layer.default_name', { n: i + 1 })} ${i > 0 ? t('schedules.layer.above', { n: i }) : ''}</legend>
    <${Field} label=${t('schedules.layer.name')} name=${key('name')} value=${l.name} onInput=${set('name')} error=${fe(key('name'))} />
    <${Field} label=${t('schedules.layer.rotation')} name=${key('rotation')} as="select" options=${rotations()} value=${l.rotation} onInput=${set('rotation')} error=${fe(key('rotation'))} />
    ${l.rotation === 'custom' && html`<${Field} label=${t('schedules.layer.shift_hours')} name=${key('shift_hours')} type="number" min="1" value=${l.shift_hours} onInput=${set('shift_hours')} error=${fe(key('shift_hours'))} />`}
    ${l.rotation === 'weekly' && html`<${Field} label=${t('schedules.layer.handoff_day')} name=${key('handoff_day')} as="select" options=${WEEKDAYS.map((d, n) => ({ value: d, label: dayName(n, 'long') }))} value=${l.handoff_day} onInput=${set('handoff_day')} error=${fe(key('handoff_day'))} />`}
    <${Field} label=${t('schedules.layer.handoff_time')} name=${key('handoff_time')} type="time" value=${l.handoff_time} onInput=${set('handoff_time')} error=${fe(key('handoff_time'))} />
    <${Field} label=${t('schedules.layer.starts_at')} name=${key('starts_at')} type="datetime-local" value=${l.starts_at} onInput=${set('starts_at')} error=${fe(key('starts_at'))} />
    <div class=${'field' + (fe(key('users')) ? ' has-error' : '')} role="group" aria-label=${t('schedules.layer.members_of', { name: l.name })}>
      <span>${t('schedules.layer.members', { names: l.users.length ? l.users.map(nameOf).join(' → ') : t('schedules.layer.none_yet') })}</span>
      ${members.map((m) => html`<label class="row"><input type="checkbox" name=${key('user-' + m.user_id)} checked=${l.users.includes(m.user_id)} onChange=${() => toggleUser(m.user_id)} /> ${m.full_name || m.email}</label>`)}
      ${fe(key('users')) && html`<div class="field-error">${fe(key('users'))}</div>`}
    </div>
    ${l.restrictions.map((r, j) => html`<fieldset><legend>${t('schedules.window.legend', { n: j + 1 })}</legend>
      <div class="row" role="group" aria-label=${t('schedules.window.days')}>${DAYS.map((d, n) => html`<label><input type="checkbox" name=${key(`restrictions[${j}].day-${d}`)} checked=${r.days.includes(d)}
        onChange=${() => setRes(j, 'days', r.days.includes(d) ? r.days.filter((x) => x !== d) : [...r.days, d])} /> ${dayName(n, 'short')}</label>`)}</div>
      <div class="row"><${Field} label=${t('schedules.window.from')} name=${key(`restrictions[${j}].start`)} type="time" value=${r.start} onInput=${(x) => setRes(j, 'start', x)} error=${fe(key(`restrictions[${j}].start`))} />
        <${Field} label=${t('schedules.window.to')} name=${key(`restrictions[${j}].end`)} value=${r.end} onInput=${(x) => setRes(j, 'end', x)} error=${fe(key(`restrictions[${j}].end`))} /></div>
      <${Button} onClick=${() => set('restrictions')(l.restrictions.filter((_, n) => n !== j))}>${t('schedules.window.remove')}<//>
    </fieldset>`)}
    <div class="row"><${Button} onClick=${() => set('restrictions')([...l.restrictions, { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }])}>${t('schedules.window.add')}<//>
      ${onRemove && html`<${Button} onClick=${onRemove}>${t('schedules.layer.remove')}<//>`}</div>
  </fieldset>`;
}

// ScheduleForm creates a schedule, or edits one when schedule is given.
export function ScheduleForm({ members, schedule, onDone }) {
  const [v, setV] = useState(() => (schedule ? fromSchedule(schedule) : blank()));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  const setLayer = (i) => (k) => (x) => setV((o) => ({ ...o, layers: o.layers.map((l, j) => (j === i ? { ...l, [k]: x } : l)) }));
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const saved = schedule ? await api.put('/on-call-schedules/' + schedule.id, body(v)) : await api.post('/on-call-schedules', body(v));
      toast(schedule ? t('schedules.toast.saved') : t('schedules.toast.created'));
      onDone(saved);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const shown = ['name', 'timezone', 'layers', ...v.layers.flatMap((l, i) => ['name', 'rotation', 'shift_hours', 'handoff_day', 'handoff_time', 'starts_at', 'users',
    ...l.restrictions.flatMap((_, j) => [`restrictions[${j}].start`, `restrictions[${j}].end`])].map((k) => `layers[${i}].${k}`))];
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>${schedule ? t('schedules.form.edit_title', { name: schedule.name }) : t('schedules.form.create_title')}</h2>
    <${ErrorBanner} error=${error} shownFields=${shown} />
    <${Field} label=${t('common.name')} name="name" value=${v.name} onInput=${(x) => setV((o) => ({ ...o, name: x }))} error=${fe('name')} />
    <${Field} label=${t('schedules.timezone')} name="timezone" list="oncall-zones" value=${v.timezone} onInput=${(x) => setV((o) => ({ ...o, timezone: x }))} error=${fe('timezone')}
      hint=${t('schedules.form.timezone_hint')} />
    <datalist id="oncall-zones">${zones().map((z) => html`<option value=${z} />`)}</datalist>
    <${Field} label=${t('schedules.form.handoff_notices')} name="handoff_notices" type="checkbox" value=${v.handoff_notices} onInput=${(x) => setV((o) => ({ ...o, handoff_notices: x }))} />
    ${fe('layers') && html`<p class="field-error">${fe('layers')}</p>`}
    ${v.layers.map((l, i) => html`<${LayerFields} key=${i} l=${l} i=${i} members=${members} set=${setLayer(i)} fe=${fe}
      onRemove=${v.layers.length > 1 ? () => setV((o) => ({ ...o, layers: o.layers.filter((_, j) => j !== i) })) : null} />`)}
    <p class="muted small">${t('schedules.form.layers_note')}</p>
    <div class="row"><${Button} onClick=${() => setV((o) => ({ ...o, layers: [...o.layers, blankLayer(o.layers.length)] }))}>${t('schedules.form.add_layer')}<//>
      <${Button} kind="primary" type="submit" busy=${busy}>${schedule ? t('schedules.form.save') : t('schedules.form.create')}<//></div>
  </form>`;
}

export function Schedules() {
  const res = useResource(() => Promise.all([listAll('/on-call-schedules?limit=100'), api.get('/on-call'), listAll('/members?limit=100')]), []);
  return html`<${PageHeader} title=${t('schedules.title')} subtitle=${t('schedules.subtitle')} />
    <${Resource} res=${res}>${([list, now, members]) => {
      const onCall = new Map(now.on_call.map((r) => [r.schedule.id, r]));
      return html`${list.length === 0 ? html`<${EmptyState} title=${t('schedules.empty.title')}>${t('schedules.empty.body')}<//>`
        : html`<${Table} caption=${t('schedules.title')} rows=${list} columns=${[
          { label: t('common.name'), render: (s) => html`<a href=${'/schedules/' + s.id}>${s.name}</a>` },
          { label: t('schedules.timezone'), key: 'timezone' },
          { label: t('schedules.col.layers'), class: 'num', render: (s) => s.layers.length },
          { label: t('schedules.col.on_call_now'), render: (s) => { const r = onCall.get(s.id); return r?.user ? html`${r.user.full_name || r.user.email} <span class="muted">${t('schedules.until', { time: fmtWhen(r.shift_end) })}</span>` : html`<span class="muted">${t('schedules.nobody')}</span>`; } }]} />`}
        <${ScheduleForm} key="new" members=${members} onDone=${(s) => navigate('/schedules/' + s.id)} />`;
    }}<//>`;
}

// OverrideForm puts a member on call over a window; pick prefills it from the timeline.
function OverrideForm({ schedule, members, pick, onDone }) {
  const [v, setV] = useState({ user_id: members[0]?.user_id || '', starts_at: '', ends_at: '' });
  const [seen, setSeen] = useState(null);
  if (pick && pick !== seen) { setSeen(pick); setV((o) => ({ ...o, starts_at: toLocalInput(pick.start), ends_at: toLocalInput(pick.end) })); }
  const [error, setError] = useState(null);
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  async function onSubmit(e) {
    e.preventDefault();
    setError(null);
    try {
      await api.post(`/on-call-schedules/${schedule.id}/overrides`, { user_id: v.user_id, starts_at: fromLocalInput(v.starts_at), ends_at: fromLocalInput(v.ends_at) });
      toast(t('schedules.override.added')); onDone();
    } catch (err) { setError(err); }
  }
  return html`<form class="card form" id="override-form" onSubmit=${onSubmit} novalidate>
    <h2>${t('schedules.override.title')}</h2>
    <p class="muted">${t('schedules.override.help')}</p>
    <${ErrorBanner} error=${error} shownFields=${['user_id', 'starts_at', 'ends_at']} />
    <${Field} label=${t('schedules.override.who')} name="user_id" as="select" value=${v.user_id} onInput=${(x) => setV((o) => ({ ...o, user_id: x }))} error=${fe('user_id')}
      options=${members.map((m) => ({ value: m.user_id, label: m.full_name || m.email }))} />
    <${Field} label=${t('schedules.override.from')} name="override_starts_at" type="datetime-local" value=${v.starts_at} onInput=${(x) => setV((o) => ({ ...o, starts_at: x }))} error=${fe('starts_at')} />
    <${Field} label=${t('schedules.override.until')} name="override_ends_at" type="datetime-local" value=${v.ends_at} onInput=${(x) => setV((o) => ({ ...o, ends_at: x }))} error=${fe('ends_at')} />
    <${Button} kind="primary" type="submit">${t('schedules.override.submit')}<//>
  </form>`;
}

export function ScheduleDetail({ params }) {
  const from = new Date(); from.setHours(0, 0, 0, 0);
  const to = new Date(from.getTime() + 14 * 86400000);
  const res = useResource(() => Promise.all([api.get('/on-call-schedules/' + params.id),
    api.get(`/on-call-schedules/${params.id}/shifts?from=${from.toISOString()}&to=${to.toISOString()}`), listAll('/members?limit=100')]), [params.id]);
  const [pick, setPick] = useState(null);
  const [dialog, confirm] = useConfirm();
  return html`${dialog}<${Resource} res=${res}>${([s, shifts, members]) => {
    const nameOf = (id) => members.find((m) => m.user_id === id)?.full_name || members.find((m) => m.user_id === id)?.email || id;
    return html`<${PageHeader} title=${s.name} subtitle=${t('schedules.detail.subtitle', { zone: s.timezone })}>
        <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/on-call-schedules/' + s.id); navigate('/schedules'); }, { title: t('schedules.delete.title'), body: t('schedules.delete.body'), label: t('common.delete'), danger: true })}>${t('common.delete')}<//>
      <//>
      <section class="card"><h2>${t('schedules.detail.next_two_weeks')}</h2>
        <${Timeline} from=${from} to=${to} timezone=${s.timezone} rows=${[...shifts.layers.map((l) => ({ label: l.name, shifts: l.shifts })), { label: t('schedules.detail.final'), shifts: shifts.shifts, final: true }]}
          onPick=${(sh) => { setPick(sh); document.getElementById('override-form')?.scrollIntoView(); }} />
      </section>
      <section class="card"><h2>${t('schedules.overrides.title')}</h2>
        ${s.overrides.length === 0 ? html`<p class="muted">${t('schedules.overrides.none')}</p>` : html`<ul>${s.overrides.map((o) => html`<li>${nameOf(o.user_id)}: ${fmtWhen(o.starts_at)} – ${fmtWhen(o.ends_at)}
          <${Button} aria-label=${t('schedules.overrides.remove_of', { name: nameOf(o.user_id) })} onClick=${async () => { await api.del(`/on-call-schedules/${s.id}/overrides/${o.id}`); res.reload(); }}>${t('schedules.overrides.remove')}<//></li>`)}</ul>`}
      </section>
      <${OverrideForm} schedule=${s} members=${members} pick=${pick} onDone=${res.reload} />
      <${ScheduleForm} key=${'edit-' + s.id + s.updated_at} members=${members} schedule=${s} onDone=${res.reload} />`;
  }}<//>`;
}
