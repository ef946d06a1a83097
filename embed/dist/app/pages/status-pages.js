// Status pages: list, editor (name, slug, visibility, subscriptions, components from
// services and heartbeats), branding, component groups and order, a live preview of the
// public page rendered from the form state, the copyable public URL, and incidents.
import { html, useState } from '../html.js';
import { api, ApiError, listAll } from '../api.js';
import { navigate } from '../router.js';
import { LANGUAGES } from '../i18n.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, StatusBadge, CopyButton, useResource, Resource, useConfirm, toast, fmtTime, useForm } from '../ui.js';
import { t } from '../i18n.js';
import { can, RoleNote } from '../roles.js';
import { SMSFields, SMSSummary, smsState, smsBody, subscriberAddress } from './status-pages-sms.js';
import { SubscriberImport } from './subscriber-import.js';

// publicURL is the page's address as visitors type it.
const publicURL = (slug) => `${location.origin}/status/${slug}`;

// PublicURL shows the public address with a copy button.
function PublicURL({ slug }) {
  const url = publicURL(slug);
  return html`<div class="public-url"><span class="muted">${t('status_pages.public_url')}</span> <code>${url}</code><${CopyButton} text=${url} label=${t('status_pages.copy_url')} /></div>`;
}

export function StatusPages({ org }) {
  const res = useResource(() => api.get('/status-pages'), []);
  const add = can(org, 'member') && html`<a class="btn btn-primary" href="/status-pages/new">${t('status_pages.create')}</a>`;
  return html`<${PageHeader} title=${t('status_pages.title')} subtitle=${t('status_pages.subtitle')}>${add}<//>
    <${RoleNote} org=${org} min="member" what=${t('status_pages.role_what')} />
    <${Resource} res=${res}>${(list) => list.length === 0
      ? html`<${EmptyState} title=${t('status_pages.empty_title')} action=${add}>${t('status_pages.empty_body', { path: '/status/<your-slug>' })}<//>`
      : html`<${Table} caption=${t('status_pages.title')} rows=${list} columns=${[
        { label: t('common.name'), render: (p) => html`<a href=${'/status-pages/' + p.id}>${p.name}</a>` },
        { label: t('status_pages.public_url'), render: (p) => html`<a href=${'/status/' + p.slug} target="_blank" rel="noopener">/status/${p.slug}</a>` },
        { label: t('status_pages.visibility'), render: (p) => (p.is_public ? t('status_pages.public') : t('status_pages.members_only')) },
        { label: t('status_pages.components'), class: 'num', render: (p) => (p.components || []).length }]} />`}<//>`;
}

function PageForm({ page, services, heartbeats }) {
  const [v, setV] = useState(() => ({
    name: page?.name || '', slug: page?.slug || '', is_public: page?.is_public ?? true, subscriptions_enabled: page?.subscriptions_enabled ?? false,
    history_days: page?.history_days ?? 90, language: page?.language ?? 'en', show_uptime_bars: page?.show_uptime_bars ?? true,
    components: (page?.components || []).map((c) => ({ ...c })),
    company_name: page?.branding?.company_name || '', primary_color: page?.branding?.primary_color || '', logo_url: page?.branding?.logo_url || '',
    ...smsState(page),
  }));
  const setComp = (i, k) => (x) => setV((o) => ({ ...o, components: o.components.map((c, j) => (j === i ? { ...c, [k]: x } : c)) }));
  const move = (i, d) => setV((o) => {
    const cs = [...o.components]; const j = i + d;
    if (j < 0 || j >= cs.length) return o;
    [cs[i], cs[j]] = [cs[j], cs[i]];
    return { ...o, components: cs };
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  const chosen = new Set(v.components.map((c) => c.service_id));
  const chosenBeats = new Set(v.components.map((c) => c.heartbeat_id).filter(Boolean));
  function toggleService(s) {
    setV((o) => ({ ...o, components: chosen.has(s.id) ? o.components.filter((c) => c.service_id !== s.id)
      : [...o.components, { name: s.name, service_id: s.id, group: '', display_order: o.components.length }] }));
  }
  // A heartbeat is a component like a service (SPEC §3.16: service_id | heartbeat_id).
  function toggleHeartbeat(h) {
    setV((o) => ({ ...o, components: chosenBeats.has(h.id) ? o.components.filter((c) => c.heartbeat_id !== h.id)
      : [...o.components, { name: h.name, heartbeat_id: h.id, group: '', display_order: o.components.length }] }));
  }
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    const body = { name: v.name, is_public: v.is_public, subscriptions_enabled: v.subscriptions_enabled, history_days: Number(v.history_days), show_uptime_bars: v.show_uptime_bars, language: v.language,
      components: v.components.map((c, i) => ({ ...c, display_order: i })), sms_subscriptions: smsBody(v) };
    if (page?.branding || v.company_name || v.primary_color || v.logo_url) {
      body.branding = { ...(page?.branding || {}), company_name: v.company_name, primary_color: v.primary_color, logo_url: v.logo_url };
    }
    if (v.slug) body.slug = v.slug;
    try {
      const saved = page ? await api.put('/status-pages/' + page.id, body) : await api.post('/status-pages', body);
      toast(page ? t('status_pages.saved') : t('status_pages.created'));
      navigate('/status-pages/' + saved.id);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const compErrors = error instanceof ApiError ? Object.entries(error.fields).filter(([k]) => k.startsWith('components')) : [];
  return html`<div class="editor-split"><form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${error} shownFields=${['name', 'slug', 'is_public', 'subscriptions_enabled', 'history_days', 'show_uptime_bars', 'language', 'branding.company_name', 'branding.primary_color', 'branding.logo_url', 'sms_subscriptions.enabled', 'sms_subscriptions.channel_id', 'sms_subscriptions.critical_only', ...compErrors.map(([k]) => k)]} />
    <${Field} label=${t('common.name')} name="name" required value=${v.name} onInput=${set('name')} error=${fe('name')} />
    <${Field} label=${t('status_pages.slug')} name="slug" hint=${t('status_pages.slug_hint', { path: '/status/<slug>' })} value=${v.slug} onInput=${set('slug')} error=${fe('slug')} />
    ${page && html`<${PublicURL} slug=${page.slug} />`}
    <${Field} type="checkbox" label=${t('status_pages.is_public')} name="is_public" value=${v.is_public} onInput=${set('is_public')} error=${fe('is_public')} />
    <${Field} type="checkbox" label=${t('status_pages.subscriptions')} name="subscriptions_enabled" value=${v.subscriptions_enabled} onInput=${set('subscriptions_enabled')} error=${fe('subscriptions_enabled')}
      hint=${t('status_pages.subscriptions_hint')} />
    <${SMSFields} v=${v} set=${set} fe=${fe} page=${page} />
    <${Field} type="checkbox" label=${t('status_pages.uptime_bars')} name="show_uptime_bars" value=${v.show_uptime_bars} onInput=${set('show_uptime_bars')} error=${fe('show_uptime_bars')} />
    <${Field} label=${t('status_pages.history')} name="history_days" type="number" min="1" max="365" value=${v.history_days} onInput=${set('history_days')} error=${fe('history_days')} />
    <${Field} label=${t('status_pages.language')} name="language" as="select" options=${Object.entries(LANGUAGES).map(([value, label]) => ({ value, label }))} value=${v.language} onInput=${set('language')} error=${fe('language')} />
    <fieldset><legend>${t('status_pages.branding')}</legend>
      <${Field} label=${t('status_pages.company')} name="company_name" value=${v.company_name} onInput=${set('company_name')} error=${fe('branding.company_name')} />
      <${Field} label=${t('status_pages.colour')} name="primary_color" hint=${t('status_pages.colour_hint')} value=${v.primary_color} onInput=${set('primary_color')} error=${fe('branding.primary_color')} />
      <${Field} label=${t('status_pages.logo')} name="logo_url" type="url" hint=${t('status_pages.logo_hint')} value=${v.logo_url} onInput=${set('logo_url')} error=${fe('branding.logo_url')} />
    </fieldset>
    <fieldset><legend>${t('status_pages.components')}</legend>
      ${services.length === 0 ? html`<p class="hint">${t('status_pages.no_services')} <a href="/services/new">${t('status_pages.add_service')}</a></p>`
        : services.map((s) => html`<${Field} type="checkbox" label=${s.name} name=${'svc-' + s.id} value=${chosen.has(s.id)} onInput=${() => toggleService(s)} />`)}
      ${heartbeats.length > 0 && html`<p class="hint">${t('status_pages.heartbeats')}</p>
        ${heartbeats.map((h) => html`<${Field} type="checkbox" label=${t('status_pages.heartbeat_option', { name: h.name })} name=${'hb-' + h.id} value=${chosenBeats.has(h.id)} onInput=${() => toggleHeartbeat(h)} />`)}`}
      ${v.components.length > 0 && html`<ol class="comp-order" aria-label=${t('status_pages.order')}>${v.components.map((c, i) => html`<li key=${c.service_id || c.heartbeat_id || i}>
        <span class="comp-name">${c.name}${c.heartbeat_id && html`<span class="comp-kind">${t('status_pages.heartbeat_kind')}</span>`}</span>
        <${Field} label=${t('status_pages.group_for', { name: c.name })} name=${'group-' + i} value=${c.group || ''} onInput=${setComp(i, 'group')} error=${fe(`components[${i}].group`)} />
        <${Button} type="button" aria-label=${t('status_pages.move_up', { name: c.name })} disabled=${i === 0} onClick=${() => move(i, -1)}>↑<//>
        <${Button} type="button" aria-label=${t('status_pages.move_down', { name: c.name })} disabled=${i === v.components.length - 1} onClick=${() => move(i, 1)}>↓<//>
      </li>`)}</ol>`}
      ${compErrors.map(([k, m]) => html`<div class="field-error">${k}: ${m}</div>`)}
    </fieldset>
    <div class="form-actions"><${Button} kind="primary" type="submit" busy=${busy}>${page ? t('status_pages.save') : t('status_pages.create_submit')}<//>
      <a class="btn" href=${page ? '/status-pages/' + page.id : '/status-pages'}>${t('common.cancel')}</a></div>
  </form>
  <${Preview} v=${v} services=${services} heartbeats=${heartbeats} /></div>`;
}

// Preview renders the page as a visitor sees it, from the form state; component
// states come from the services' and heartbeats' current statuses.
const COMP_STATE = { GREEN: 'operational', UP: 'operational', HEALTHY: 'operational', YELLOW: 'degraded', DEGRADED: 'degraded', LATE: 'degraded', RED: 'major_outage', DOWN: 'major_outage', MAINTENANCE: 'maintenance' };
function compText(state) {
  return { operational: t('status_pages.state.operational'), degraded: t('status_pages.state.degraded'), major_outage: t('status_pages.state.major_outage'),
    maintenance: t('status_pages.state.maintenance'), unknown: t('status_pages.state.unknown') }[state];
}
function bannerText(state) {
  return { operational: t('status_pages.banner.operational'), degraded: t('status_pages.state.degraded'), partial_outage: t('status_pages.banner.partial_outage'),
    major_outage: t('status_pages.state.major_outage'), maintenance: t('status_pages.state.maintenance'), unknown: t('status_pages.banner.unknown') }[state];
}
const RANK = ['unknown', 'operational', 'maintenance', 'degraded', 'major_outage'];

// overall is the public page's banner rule (api/status_public_model.go, overallState):
// every known component down is a major outage, some of them a partial outage, else the
// worst of degraded, maintenance and operational.
function overall(states) {
  const known = states.filter((s) => s !== 'unknown');
  const down = known.filter((s) => s === 'major_outage').length;
  if (known.length === 0) return 'unknown';
  if (down === known.length) return 'major_outage';
  if (down > 0) return 'partial_outage';
  return RANK[known.reduce((w, s) => Math.max(w, RANK.indexOf(s)), 0)];
}

// onColour is black or white, whichever reads better on the brand colour (WCAG luminance),
// as the public page's header does (api/status_palette.go).
function onColour(hex) {
  const lin = (i) => { const x = parseInt(hex.slice(i, i + 2), 16) / 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
  const l = 0.2126 * lin(1) + 0.7152 * lin(3) + 0.0722 * lin(5);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

function Preview({ v, services, heartbeats }) {
  const status = new Map();
  for (const s of services) status.set('s' + s.id, s.paused ? '' : s.status);
  for (const h of heartbeats) status.set('h' + h.id, h.status);
  const comps = v.components.map((c) => ({ ...c, state: COMP_STATE[String(status.get(c.service_id ? 's' + c.service_id : 'h' + c.heartbeat_id) || '').toUpperCase()] || 'unknown' }));
  const banner = overall(comps.map((c) => c.state));
  const groups = [];
  for (const c of comps) {
    let g = groups.find((x) => x.name === (c.group || ''));
    if (!g) groups.push((g = { name: c.group || '', items: [] }));
    g.items.push(c);
  }
  const title = v.company_name || v.name || t('status_pages.preview_title');
  const style = /^#[0-9a-fA-F]{6}$/.test(v.primary_color) ? { '--primary': v.primary_color, '--on-primary': onColour(v.primary_color) } : {};
  return html`<aside class="preview" aria-label=${t('status_pages.preview_label')} style=${style}>
    <p class="preview-label">${t('status_pages.preview')}</p>
    <header class="top">${/^https?:\/\//.test(v.logo_url) && html`<img class="logo" src=${v.logo_url} alt=${title} />`}<h1>${title}</h1></header>
    <section class=${'banner s-' + banner}><h2>${bannerText(banner)}</h2></section>
    <section class="components"><h2>${t('status_pages.components')}</h2>
      ${comps.length === 0 ? html`<p class="muted">${t('status_pages.no_components')}</p>` : groups.map((g) => html`<div class="group">${g.name && html`<h3>${g.name}</h3>`}
        ${g.items.map((c) => html`<div class="component"><div class="row"><span class="name">${c.name}</span><span class=${'state s-' + c.state}>${compText(c.state)}</span></div>
          ${v.show_uptime_bars && html`<ol class="bars" aria-hidden="true">${Array.from({ length: 30 }, () => html`<li class=${'s-' + c.state}></li>`)}</ol>`}</div>`)}</div>`)}
    </section>
  </aside>`;
}

// subjects loads what a page's components can show: services and heartbeats.
const subjects = () => Promise.all([listAll('/services?limit=1000'), listAll('/heartbeats?limit=1000')]);

export function StatusPageNew({ org }) {
  const res = useResource(subjects, []);
  if (!can(org, 'member')) return html`<${PageHeader} title=${t('status_pages.new_title')} /><${RoleNote} org=${org} min="member" what=${t('status_pages.role_what')} />`;
  return html`<${PageHeader} title=${t('status_pages.new_title')} /><${Resource} res=${res}>${([s, h]) => html`<${PageForm} services=${s} heartbeats=${h} />`}<//>`;
}

export function StatusPageEdit({ params, org }) {
  const res = useResource(() => Promise.all([api.get('/status-pages/' + params.id), subjects()]), [params.id]);
  if (!can(org, 'member')) return html`<${PageHeader} title=${t('status_pages.title')} /><${RoleNote} org=${org} min="member" what=${t('status_pages.role_what')} />`;
  return html`<${Resource} res=${res}>${([p, [s, h]]) => html`<${PageHeader} title=${t('status_pages.edit_title', { name: p.name })} /><${PageForm} page=${p} services=${s} heartbeats=${h} />`}<//>`;
}

const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'];

// incidentStatusText and severityText word the API's values; the selects send the values.
function incidentStatusText(s) {
  return { investigating: t('status_pages.incident.investigating'), identified: t('status_pages.incident.identified'),
    monitoring: t('status_pages.incident.monitoring'), resolved: t('status_pages.incident.resolved') }[s] || s;
}
function severityText(s) {
  return { minor: t('status_pages.severity.minor'), major: t('status_pages.severity.major'), critical: t('status_pages.severity.critical') }[s] || s;
}
const incidentStatusOptions = () => INCIDENT_STATUSES.map((s) => ({ value: s, label: incidentStatusText(s) }));
const severityOptions = () => ['minor', 'major', 'critical'].map((s) => ({ value: s, label: severityText(s) }));

function NewIncident({ page, onDone }) {
  const f = useForm({ title: '', severity: 'minor', message: '', affected_component_ids: [] });
  async function onSubmit(e) {
    e.preventDefault();
    if (await f.submit((v) => api.post(`/status-pages/${page.id}/incidents`, { ...v, status: 'investigating' }))) {
      f.setValues({ title: '', severity: 'minor', message: '', affected_component_ids: [] });
      toast(t('status_pages.incident_posted'));
      onDone();
    }
  }
  const toggle = (id) => f.setValues((o) => ({ ...o, affected_component_ids: o.affected_component_ids.includes(id) ? o.affected_component_ids.filter((x) => x !== id) : [...o.affected_component_ids, id] }));
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>${t('status_pages.post_incident')}</h2>
    <${ErrorBanner} error=${f.error} shownFields=${['title', 'severity', 'message', 'affected_component_ids']} />
    <${Field} label=${t('status_pages.incident_title')} name="title" value=${f.values.title} onInput=${f.set('title')} error=${f.fieldError('title')} />
    <${Field} label=${t('status_pages.severity')} name="severity" as="select" options=${severityOptions()} value=${f.values.severity} onInput=${f.set('severity')} error=${f.fieldError('severity')} />
    <${Field} label=${t('status_pages.what_happens')} name="message" as="textarea" value=${f.values.message} onInput=${f.set('message')} error=${f.fieldError('message')} />
    ${(page.components || []).map((c) => html`<${Field} type="checkbox" label=${t('status_pages.affects', { name: c.name })} name=${'comp-' + c.id} value=${f.values.affected_component_ids.includes(c.id)} onInput=${() => toggle(c.id)} />`)}
    ${f.fieldError('affected_component_ids') && html`<div class="field-error">${f.fieldError('affected_component_ids')}</div>`}
    <${Button} kind="primary" type="submit" busy=${f.busy}>${t('status_pages.post_incident_submit')}<//>
  </form>`;
}

function IncidentUpdate({ page, incident, onDone }) {
  const f = useForm({ status: incident.status === 'investigating' ? 'identified' : incident.status, message: '' });
  async function onSubmit(e) {
    e.preventDefault();
    if (await f.submit((v) => api.post(`/status-pages/${page.id}/incidents/${incident.id}/updates`, v))) { toast(t('status_pages.update_posted')); onDone(); }
  }
  return html`<form class="row" onSubmit=${onSubmit}>
    <${Field} label=${t('common.status')} name="status" as="select" options=${incidentStatusOptions()} value=${f.values.status} onInput=${f.set('status')} error=${f.fieldError('status')} />
    <${Field} label=${t('status_pages.update')} name="message" value=${f.values.message} onInput=${f.set('message')} error=${f.fieldError('message')} />
    <${Button} type="submit" busy=${f.busy}>${t('status_pages.post_update')}<//>
    ${f.error && !Object.keys(f.error.fields || {}).length && html`<span class="field-error" role="alert">${f.error.message}</span>`}
  </form>`;
}

// EditIncident changes an incident's title, severity, affected components and
// postmortem (PUT); status changes go through updates.
function EditIncident({ page, incident, onDone, onCancel }) {
  const f = useForm({ title: incident.title, severity: incident.severity || 'minor', affected_component_ids: incident.affected_component_ids || [], postmortem: incident.postmortem || '' });
  async function onSubmit(e) {
    e.preventDefault();
    if (await f.submit((v) => api.put(`/status-pages/${page.id}/incidents/${incident.id}`, v))) { toast(t('status_pages.incident_saved')); onDone(); }
  }
  const toggle = (id) => f.setValues((o) => ({ ...o, affected_component_ids: o.affected_component_ids.includes(id) ? o.affected_component_ids.filter((x) => x !== id) : [...o.affected_component_ids, id] }));
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    <h3>${t('status_pages.edit_incident')}</h3>
    <${ErrorBanner} error=${f.error} shownFields=${['title', 'severity', 'affected_component_ids', 'postmortem']} />
    <${Field} label=${t('status_pages.incident_title')} name="edit-title" value=${f.values.title} onInput=${f.set('title')} error=${f.fieldError('title')} />
    <${Field} label=${t('status_pages.severity')} name="edit-severity" as="select" options=${severityOptions()} value=${f.values.severity} onInput=${f.set('severity')} error=${f.fieldError('severity')} />
    ${(page.components || []).map((c) => html`<${Field} type="checkbox" label=${t('status_pages.affects', { name: c.name })} name=${'edit-comp-' + c.id} value=${f.values.affected_component_ids.includes(c.id)} onInput=${() => toggle(c.id)} />`)}
    ${f.fieldError('affected_component_ids') && html`<div class="field-error">${f.fieldError('affected_component_ids')}</div>`}
    <${Field} label=${t('status_pages.postmortem')} name="edit-postmortem" as="textarea" value=${f.values.postmortem} onInput=${f.set('postmortem')} error=${f.fieldError('postmortem')} hint=${t('status_pages.postmortem_hint')} />
    <div class="row"><${Button} kind="primary" type="submit" busy=${f.busy}>${t('status_pages.save_incident')}<//><${Button} onClick=${onCancel}>${t('common.cancel')}<//></div>
  </form>`;
}

// Subscribers: who hears about incidents; members can add e-mail or webhook
// subscribers (needed for invite-only pages) and remove them.
function Subscribers({ page, mayEdit }) {
  const res = useResource(() => api.get(`/status-pages/${page.id}/subscribers`), [page.id]);
  const f = useForm({ email: '' });
  const [err, setErr] = useState(null);
  const [importing, setImporting] = useState(false);
  async function add(e) {
    e.preventDefault();
    if (await f.submit((v) => api.post(`/status-pages/${page.id}/subscribers`, { email: v.email }))) { f.setValues({ email: '' }); toast(t('status_pages.subscriber_added')); res.reload(); }
  }
  async function remove(sub) {
    setErr(null);
    try { await api.del(`/status-pages/${page.id}/subscribers/${sub.id}`); res.reload(); } catch (e2) { setErr(e2); }
  }
  return html`<section><h2>${t('status_pages.subscribers')}</h2>
    <${ErrorBanner} error=${err} />
    <${Resource} res=${res}>${(list) => list.length === 0 ? html`<p class="muted">${t('status_pages.no_subscribers')} ${page.subscriptions_enabled ? t('status_pages.subscribe_on') : t('status_pages.subscribe_off')}</p>`
      : html`<${Table} caption=${t('status_pages.subscribers')} rows=${list} columns=${[
        { label: t('status_pages.subscriber'), render: (x) => (x.name ? html`${x.name} <span class="muted">${x.email}</span>` : subscriberAddress(x)) }, { label: t('status_pages.type'), key: 'type' }, { label: t('common.status'), key: 'status' },
        { label: t('status_pages.since'), render: (x) => fmtTime(x.created_at) },
        ...(mayEdit ? [{ label: t('common.actions'), render: (x) => html`<${Button} aria-label=${t('status_pages.remove_subscriber', { who: subscriberAddress(x) })} onClick=${() => remove(x)}>${t('status_pages.remove')}<//>` }] : [])]} />`}<//>
    ${mayEdit && html`<form class="row" onSubmit=${add} novalidate>
      <${Field} label=${t('status_pages.add_subscriber')} name="subscriber_email" type="email" value=${f.values.email} onInput=${f.set('email')} error=${f.fieldError('email')} />
      <${Button} type="submit" busy=${f.busy}>${t('common.add')}<//>
      ${f.error && !f.fieldError('email') && html`<span class="field-error" role="alert">${f.error.message}</span>`}
    </form>
    <p><${Button} onClick=${() => setImporting(true)}>${t('subscriber_import.open')}<//></p>
    <${SubscriberImport} page=${page} open=${importing} onClose=${() => setImporting(false)} onDone=${res.reload} />`}
  </section>`;
}

export function StatusPageDetail({ params, org }) {
  const mayEdit = can(org, 'member');
  const mayRespond = can(org, 'responder');
  const res = useResource(() => Promise.all([api.get('/status-pages/' + params.id), api.get(`/status-pages/${params.id}/incidents`)]), [params.id]);
  const [dialog, confirm] = useConfirm();
  const [editing, setEditing] = useState(null);
  return html`<${Resource} res=${res}>${([p, incidents]) => html`
    <${PageHeader} title=${p.name} subtitle=${p.is_public ? t('status_pages.public') : t('status_pages.members_only')}>
      <a class="btn btn-primary" href=${'/status/' + p.slug} target="_blank" rel="noopener">${t('status_pages.open_public')}</a>
      <a class="btn" href=${`/status-pages/${p.id}/email-template`}>${t('email_template.open')}</a>
      ${mayEdit && html`<a class="btn" href=${`/status-pages/${p.id}/edit`}>${t('common.edit')}</a>
      <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/status-pages/' + p.id); navigate('/status-pages'); },
        { title: t('status_pages.delete_title'), body: t('status_pages.delete_body', { path: '/status/' + p.slug }), label: t('common.delete'), danger: true })}>${t('common.delete')}<//>`}
    <//>${dialog}
    <${RoleNote} org=${org} min=${mayRespond ? 'member' : 'responder'} what=${mayRespond ? t('status_pages.role_what') : t('status_pages.role_what_incidents')} />
    <${PublicURL} slug=${p.slug} />
    <p class="muted">${p.subscriptions_enabled ? t('status_pages.subscriptions_on') : t('status_pages.subscriptions_off')}${mayEdit && html` (<a href=${`/status-pages/${p.id}/edit`}>${t('status_pages.change')}</a>)`}.</p>
    <${SMSSummary} page=${p} />
    <section class="card"><h2>${t('status_pages.components')}</h2>
      ${(p.components || []).length === 0 ? html`<p class="muted">${t('status_pages.no_components')}${mayEdit && html` <a href=${`/status-pages/${p.id}/edit`}>${t('status_pages.add_components')}</a>`}</p>`
        : html`<ul>${p.components.map((c) => html`<li>${c.name}${c.heartbeat_id && html`<span class="comp-kind">${t('status_pages.heartbeat_kind')}</span>`}${c.group ? html` <span class="muted">(${c.group})</span>` : ''}</li>`)}</ul>`}
    </section>
    <h2>${t('status_pages.incidents')}</h2>
    ${incidents.length === 0 ? html`<p class="muted">${t('status_pages.no_incidents')}</p>`
      : incidents.map((i) => html`<div class="card" key=${i.id}>
        <div class="row"><strong>${i.title}</strong> <${StatusBadge} status=${i.status} /> <span class="muted">${severityText(i.severity)} · ${fmtTime(i.created_at || i.started_at)}</span>
          ${mayRespond && html`<${Button} aria-label=${t('status_pages.edit_incident_label', { title: i.title })} aria-expanded=${editing === i.id ? 'true' : 'false'} onClick=${() => setEditing(editing === i.id ? null : i.id)}>${t('common.edit')}<//>`}
          ${mayEdit && html`<${Button} kind="danger" aria-label=${t('status_pages.delete_incident_label', { title: i.title })} onClick=${() => confirm(async () => { await api.del(`/status-pages/${p.id}/incidents/${i.id}`); res.reload(); },
            { title: t('status_pages.delete_incident_title'), body: t('status_pages.delete_incident_body', { title: i.title }), label: t('common.delete'), danger: true })}>${t('common.delete')}<//>`}</div>
        ${mayRespond && editing === i.id && html`<${EditIncident} page=${p} incident=${i} onCancel=${() => setEditing(null)} onDone=${() => { setEditing(null); res.reload(); }} />`}
        ${i.postmortem && html`<details><summary>${t('status_pages.postmortem')}</summary><p>${i.postmortem}</p></details>`}
        <ul>${(i.updates || []).map((u) => html`<li><span class="muted">${fmtTime(u.created_at || u.at)} — ${incidentStatusText(u.status)}:</span> ${u.message}</li>`)}</ul>
        ${mayRespond && i.status !== 'resolved' && html`<${IncidentUpdate} page=${p} incident=${i} onDone=${res.reload} />`}
      </div>`)}
    ${mayRespond && html`<${NewIncident} page=${p} onDone=${res.reload} />`}
    <${Subscribers} page=${p} mayEdit=${mayEdit} />`}<//>`;
}
