// Status pages: list, editor (name, slug, visibility, subscriptions, components from
// services and heartbeats), branding, component groups and order, a live preview of the
// public page rendered from the form state, the copyable public URL, and incidents.
import { html, useState } from '../html.js';
import { api, ApiError, listAll } from '../api.js';
import { navigate } from '../router.js';
import { LANGUAGES } from '../i18n.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, StatusBadge, CopyButton, useResource, Resource, useConfirm, toast, fmtTime, useForm } from '../ui.js';

// publicURL is the page's address as visitors type it.
const publicURL = (slug) => `${location.origin}/status/${slug}`;

// PublicURL shows the public address with a copy button.
function PublicURL({ slug }) {
  const url = publicURL(slug);
  return html`<div class="public-url"><span class="muted">Public URL</span> <code>${url}</code><${CopyButton} text=${url} label="Copy public URL" /></div>`;
}

export function StatusPages() {
  const res = useResource(() => api.get('/status-pages'), []);
  return html`<${PageHeader} title="Status pages" subtitle="Public pages that tell your users what works.">
      <a class="btn btn-primary" href="/status-pages/new">Create a status page</a><//>
    <${Resource} res=${res}>${(list) => list.length === 0
      ? html`<${EmptyState} title="No status pages yet" action=${html`<a class="btn btn-primary" href="/status-pages/new">Create a status page</a>`}>Publish the state of your services at ${"/status/<your-slug>"}.<//>`
      : html`<${Table} caption="Status pages" rows=${list} columns=${[
        { label: 'Name', render: (p) => html`<a href=${'/status-pages/' + p.id}>${p.name}</a>` },
        { label: 'Public URL', render: (p) => html`<a href=${'/status/' + p.slug} target="_blank" rel="noopener">/status/${p.slug}</a>` },
        { label: 'Visibility', render: (p) => (p.is_public ? 'Public' : 'Members only') },
        { label: 'Components', class: 'num', render: (p) => (p.components || []).length }]} />`}<//>`;
}

function PageForm({ page, services, heartbeats }) {
  const [v, setV] = useState(() => ({
    name: page?.name || '', slug: page?.slug || '', is_public: page?.is_public ?? true, subscriptions_enabled: page?.subscriptions_enabled ?? false,
    history_days: page?.history_days ?? 90, language: page?.language ?? 'en', show_uptime_bars: page?.show_uptime_bars ?? true,
    components: (page?.components || []).map((c) => ({ ...c })),
    company_name: page?.branding?.company_name || '', primary_color: page?.branding?.primary_color || '', logo_url: page?.branding?.logo_url || '',
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
      components: v.components.map((c, i) => ({ ...c, display_order: i })) };
    if (page?.branding || v.company_name || v.primary_color || v.logo_url) {
      body.branding = { ...(page?.branding || {}), company_name: v.company_name, primary_color: v.primary_color, logo_url: v.logo_url };
    }
    if (v.slug) body.slug = v.slug;
    try {
      const saved = page ? await api.put('/status-pages/' + page.id, body) : await api.post('/status-pages', body);
      toast(page ? 'Status page saved' : 'Status page created');
      navigate('/status-pages/' + saved.id);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const compErrors = error instanceof ApiError ? Object.entries(error.fields).filter(([k]) => k.startsWith('components')) : [];
  return html`<div class="editor-split"><form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${error} shownFields=${['name', 'slug', 'is_public', 'subscriptions_enabled', 'history_days', 'show_uptime_bars', 'language', 'branding.company_name', 'branding.primary_color', 'branding.logo_url', ...compErrors.map(([k]) => k)]} />
    <${Field} label="Name" name="name" required value=${v.name} onInput=${set('name')} error=${fe('name')} />
    <${Field} label="Slug" name="slug" hint="The public address: /status/<slug>. Empty: derived from the name." value=${v.slug} onInput=${set('slug')} error=${fe('slug')} />
    ${page && html`<${PublicURL} slug=${page.slug} />`}
    <${Field} type="checkbox" label="Public (anyone with the link)" name="is_public" value=${v.is_public} onInput=${set('is_public')} error=${fe('is_public')} />
    <${Field} type="checkbox" label="Let visitors subscribe to incident updates by e-mail" name="subscriptions_enabled" value=${v.subscriptions_enabled} onInput=${set('subscriptions_enabled')} error=${fe('subscriptions_enabled')}
      hint="Shows a subscribe form on the public page (needs the instance's SMTP settings to send the confirmation)." />
    <${Field} type="checkbox" label="Show daily uptime bars" name="show_uptime_bars" value=${v.show_uptime_bars} onInput=${set('show_uptime_bars')} error=${fe('show_uptime_bars')} />
    <${Field} label="History (days)" name="history_days" type="number" min="1" max="365" value=${v.history_days} onInput=${set('history_days')} error=${fe('history_days')} />
    <${Field} label="Language of the public page" name="language" as="select" options=${Object.entries(LANGUAGES).map(([value, label]) => ({ value, label }))} value=${v.language} onInput=${set('language')} error=${fe('language')} />
    <fieldset><legend>Branding</legend>
      <${Field} label="Company name" name="company_name" value=${v.company_name} onInput=${set('company_name')} error=${fe('branding.company_name')} />
      <${Field} label="Primary colour" name="primary_color" hint="Like #2563eb. Empty: the default blue." value=${v.primary_color} onInput=${set('primary_color')} error=${fe('branding.primary_color')} />
      <${Field} label="Logo URL" name="logo_url" type="url" hint="An http or https address of an image." value=${v.logo_url} onInput=${set('logo_url')} error=${fe('branding.logo_url')} />
    </fieldset>
    <fieldset><legend>Components</legend>
      ${services.length === 0 ? html`<p class="hint">No services yet — <a href="/services/new">add one</a> to show it here.</p>`
        : services.map((s) => html`<${Field} type="checkbox" label=${s.name} name=${'svc-' + s.id} value=${chosen.has(s.id)} onInput=${() => toggleService(s)} />`)}
      ${heartbeats.length > 0 && html`<p class="hint">Heartbeats (scheduled jobs):</p>
        ${heartbeats.map((h) => html`<${Field} type="checkbox" label=${h.name + ' (heartbeat)'} name=${'hb-' + h.id} value=${chosenBeats.has(h.id)} onInput=${() => toggleHeartbeat(h)} />`)}`}
      ${v.components.length > 0 && html`<ol class="comp-order" aria-label="Component order">${v.components.map((c, i) => html`<li key=${c.service_id || c.heartbeat_id || i}>
        <span class="comp-name">${c.name}${c.heartbeat_id && html`<span class="comp-kind">heartbeat</span>`}</span>
        <${Field} label=${'Group for ' + c.name} name=${'group-' + i} value=${c.group || ''} onInput=${setComp(i, 'group')} error=${fe(`components[${i}].group`)} />
        <${Button} type="button" aria-label=${'Move ' + c.name + ' up'} disabled=${i === 0} onClick=${() => move(i, -1)}>↑<//>
        <${Button} type="button" aria-label=${'Move ' + c.name + ' down'} disabled=${i === v.components.length - 1} onClick=${() => move(i, 1)}>↓<//>
      </li>`)}</ol>`}
      ${compErrors.map(([k, m]) => html`<div class="field-error">${k}: ${m}</div>`)}
    </fieldset>
    <div class="form-actions"><${Button} kind="primary" type="submit" busy=${busy}>${page ? 'Save changes' : 'Create status page'}<//>
      <a class="btn" href=${page ? '/status-pages/' + page.id : '/status-pages'}>Cancel</a></div>
  </form>
  <${Preview} v=${v} services=${services} heartbeats=${heartbeats} /></div>`;
}

// Preview renders the page as a visitor sees it, from the form state; component
// states come from the services' and heartbeats' current statuses.
const COMP_STATE = { GREEN: 'operational', UP: 'operational', HEALTHY: 'operational', YELLOW: 'degraded', DEGRADED: 'degraded', LATE: 'degraded', RED: 'major_outage', DOWN: 'major_outage', MAINTENANCE: 'maintenance' };
const COMP_TEXT = { operational: 'Operational', degraded: 'Degraded performance', major_outage: 'Major outage', maintenance: 'Under maintenance', unknown: 'No data' };
const BANNER_TEXT = { operational: 'All systems operational', degraded: 'Degraded performance', partial_outage: 'Partial outage', major_outage: 'Major outage', maintenance: 'Under maintenance', unknown: 'No data yet' };
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
  const title = v.company_name || v.name || 'Status';
  const style = /^#[0-9a-fA-F]{6}$/.test(v.primary_color) ? { '--primary': v.primary_color, '--on-primary': onColour(v.primary_color) } : {};
  return html`<aside class="preview" aria-label="Preview of the public page" style=${style}>
    <p class="preview-label">Preview</p>
    <header class="top">${/^https?:\/\//.test(v.logo_url) && html`<img class="logo" src=${v.logo_url} alt=${title} />`}<h1>${title}</h1></header>
    <section class=${'banner s-' + banner}><h2>${BANNER_TEXT[banner]}</h2></section>
    <section class="components"><h2>Components</h2>
      ${comps.length === 0 ? html`<p class="muted">No components.</p>` : groups.map((g) => html`<div class="group">${g.name && html`<h3>${g.name}</h3>`}
        ${g.items.map((c) => html`<div class="component"><div class="row"><span class="name">${c.name}</span><span class=${'state s-' + c.state}>${COMP_TEXT[c.state]}</span></div>
          ${v.show_uptime_bars && html`<ol class="bars" aria-hidden="true">${Array.from({ length: 30 }, () => html`<li class=${'s-' + c.state}></li>`)}</ol>`}</div>`)}</div>`)}
    </section>
  </aside>`;
}

// subjects loads what a page's components can show: services and heartbeats.
const subjects = () => Promise.all([listAll('/services?limit=1000'), listAll('/heartbeats?limit=1000')]);

export function StatusPageNew() {
  const res = useResource(subjects, []);
  return html`<${PageHeader} title="Create a status page" /><${Resource} res=${res}>${([s, h]) => html`<${PageForm} services=${s} heartbeats=${h} />`}<//>`;
}

export function StatusPageEdit({ params }) {
  const res = useResource(() => Promise.all([api.get('/status-pages/' + params.id), subjects()]), [params.id]);
  return html`<${Resource} res=${res}>${([p, [s, h]]) => html`<${PageHeader} title=${'Edit ' + p.name} /><${PageForm} page=${p} services=${s} heartbeats=${h} />`}<//>`;
}

const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'];

function NewIncident({ page, onDone }) {
  const f = useForm({ title: '', severity: 'minor', message: '', affected_component_ids: [] });
  async function onSubmit(e) {
    e.preventDefault();
    if (await f.submit((v) => api.post(`/status-pages/${page.id}/incidents`, { ...v, status: 'investigating' }))) {
      f.setValues({ title: '', severity: 'minor', message: '', affected_component_ids: [] });
      toast('Incident posted');
      onDone();
    }
  }
  const toggle = (id) => f.setValues((o) => ({ ...o, affected_component_ids: o.affected_component_ids.includes(id) ? o.affected_component_ids.filter((x) => x !== id) : [...o.affected_component_ids, id] }));
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>Post an incident</h2>
    <${ErrorBanner} error=${f.error} shownFields=${['title', 'severity', 'message', 'affected_component_ids']} />
    <${Field} label="Title" name="title" value=${f.values.title} onInput=${f.set('title')} error=${f.fieldError('title')} />
    <${Field} label="Severity" name="severity" as="select" options=${['minor', 'major', 'critical']} value=${f.values.severity} onInput=${f.set('severity')} error=${f.fieldError('severity')} />
    <${Field} label="What is happening" name="message" as="textarea" value=${f.values.message} onInput=${f.set('message')} error=${f.fieldError('message')} />
    ${(page.components || []).map((c) => html`<${Field} type="checkbox" label=${'Affects ' + c.name} name=${'comp-' + c.id} value=${f.values.affected_component_ids.includes(c.id)} onInput=${() => toggle(c.id)} />`)}
    ${f.fieldError('affected_component_ids') && html`<div class="field-error">${f.fieldError('affected_component_ids')}</div>`}
    <${Button} kind="primary" type="submit" busy=${f.busy}>Post incident<//>
  </form>`;
}

function IncidentUpdate({ page, incident, onDone }) {
  const f = useForm({ status: incident.status === 'investigating' ? 'identified' : incident.status, message: '' });
  async function onSubmit(e) {
    e.preventDefault();
    if (await f.submit((v) => api.post(`/status-pages/${page.id}/incidents/${incident.id}/updates`, v))) { toast('Update posted'); onDone(); }
  }
  return html`<form class="row" onSubmit=${onSubmit}>
    <${Field} label="Status" name="status" as="select" options=${INCIDENT_STATUSES} value=${f.values.status} onInput=${f.set('status')} error=${f.fieldError('status')} />
    <${Field} label="Update" name="message" value=${f.values.message} onInput=${f.set('message')} error=${f.fieldError('message')} />
    <${Button} type="submit" busy=${f.busy}>Post update<//>
    ${f.error && !Object.keys(f.error.fields || {}).length && html`<span class="field-error" role="alert">${f.error.message}</span>`}
  </form>`;
}

// EditIncident changes an incident's title, severity, affected components and
// postmortem (PUT); status changes go through updates.
function EditIncident({ page, incident, onDone, onCancel }) {
  const f = useForm({ title: incident.title, severity: incident.severity || 'minor', affected_component_ids: incident.affected_component_ids || [], postmortem: incident.postmortem || '' });
  async function onSubmit(e) {
    e.preventDefault();
    if (await f.submit((v) => api.put(`/status-pages/${page.id}/incidents/${incident.id}`, v))) { toast('Incident saved'); onDone(); }
  }
  const toggle = (id) => f.setValues((o) => ({ ...o, affected_component_ids: o.affected_component_ids.includes(id) ? o.affected_component_ids.filter((x) => x !== id) : [...o.affected_component_ids, id] }));
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    <h3>Edit incident</h3>
    <${ErrorBanner} error=${f.error} shownFields=${['title', 'severity', 'affected_component_ids', 'postmortem']} />
    <${Field} label="Title" name="edit-title" value=${f.values.title} onInput=${f.set('title')} error=${f.fieldError('title')} />
    <${Field} label="Severity" name="edit-severity" as="select" options=${['minor', 'major', 'critical']} value=${f.values.severity} onInput=${f.set('severity')} error=${f.fieldError('severity')} />
    ${(page.components || []).map((c) => html`<${Field} type="checkbox" label=${'Affects ' + c.name} name=${'edit-comp-' + c.id} value=${f.values.affected_component_ids.includes(c.id)} onInput=${() => toggle(c.id)} />`)}
    ${f.fieldError('affected_component_ids') && html`<div class="field-error">${f.fieldError('affected_component_ids')}</div>`}
    <${Field} label="Postmortem" name="edit-postmortem" as="textarea" value=${f.values.postmortem} onInput=${f.set('postmortem')} error=${f.fieldError('postmortem')} hint="What happened and what changes; shown on the public page." />
    <div class="row"><${Button} kind="primary" type="submit" busy=${f.busy}>Save incident<//><${Button} onClick=${onCancel}>Cancel<//></div>
  </form>`;
}

// Subscribers: who hears about incidents; members can add e-mail or webhook
// subscribers (needed for invite-only pages) and remove them.
function Subscribers({ page }) {
  const res = useResource(() => api.get(`/status-pages/${page.id}/subscribers`), [page.id]);
  const f = useForm({ email: '' });
  const [err, setErr] = useState(null);
  async function add(e) {
    e.preventDefault();
    if (await f.submit((v) => api.post(`/status-pages/${page.id}/subscribers`, { email: v.email }))) { f.setValues({ email: '' }); toast('Subscriber added'); res.reload(); }
  }
  async function remove(sub) {
    setErr(null);
    try { await api.del(`/status-pages/${page.id}/subscribers/${sub.id}`); res.reload(); } catch (e2) { setErr(e2); }
  }
  return html`<section><h2>Subscribers</h2>
    <${ErrorBanner} error=${err} />
    <${Resource} res=${res}>${(list) => list.length === 0 ? html`<p class="muted">No subscribers yet.${page.subscriptions_enabled ? ' Visitors can subscribe on the public page.' : ' Turn on subscriptions in the page\'s settings (Edit) to let visitors subscribe.'}</p>`
      : html`<${Table} caption="Subscribers" rows=${list} columns=${[
        { label: 'Subscriber', render: (x) => x.email || x.webhook_url }, { label: 'Type', key: 'type' }, { label: 'Status', key: 'status' },
        { label: 'Since', render: (x) => fmtTime(x.created_at) },
        { label: 'Actions', render: (x) => html`<${Button} aria-label=${'Remove subscriber ' + (x.email || x.webhook_url)} onClick=${() => remove(x)}>Remove<//>` }]} />`}<//>
    <form class="row" onSubmit=${add} novalidate>
      <${Field} label="Add an e-mail subscriber" name="subscriber_email" type="email" value=${f.values.email} onInput=${f.set('email')} error=${f.fieldError('email')} />
      <${Button} type="submit" busy=${f.busy}>Add<//>
      ${f.error && !f.fieldError('email') && html`<span class="field-error" role="alert">${f.error.message}</span>`}
    </form>
  </section>`;
}

export function StatusPageDetail({ params }) {
  const res = useResource(() => Promise.all([api.get('/status-pages/' + params.id), api.get(`/status-pages/${params.id}/incidents`)]), [params.id]);
  const [dialog, confirm] = useConfirm();
  const [editing, setEditing] = useState(null);
  return html`<${Resource} res=${res}>${([p, incidents]) => html`
    <${PageHeader} title=${p.name} subtitle=${p.is_public ? 'Public' : 'Members only'}>
      <a class="btn btn-primary" href=${'/status/' + p.slug} target="_blank" rel="noopener">Open public page</a>
      <a class="btn" href=${`/status-pages/${p.id}/edit`}>Edit</a>
      <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/status-pages/' + p.id); navigate('/status-pages'); },
        { title: 'Delete this status page?', body: `/status/${p.slug} will stop working.`, label: 'Delete', danger: true })}>Delete<//>
    <//>${dialog}
    <${PublicURL} slug=${p.slug} />
    <p class="muted">Visitor subscriptions: ${p.subscriptions_enabled ? 'on' : 'off'} (<a href=${`/status-pages/${p.id}/edit`}>change</a>).</p>
    <section class="card"><h2>Components</h2>
      ${(p.components || []).length === 0 ? html`<p class="muted">No components — <a href=${`/status-pages/${p.id}/edit`}>add services or heartbeats</a> to show them.</p>`
        : html`<ul>${p.components.map((c) => html`<li>${c.name}${c.heartbeat_id && html`<span class="comp-kind">heartbeat</span>`}${c.group ? html` <span class="muted">(${c.group})</span>` : ''}</li>`)}</ul>`}
    </section>
    <h2>Incidents</h2>
    ${incidents.length === 0 ? html`<p class="muted">No incidents. Post one when something affects your users.</p>`
      : incidents.map((i) => html`<div class="card" key=${i.id}>
        <div class="row"><strong>${i.title}</strong> <${StatusBadge} status=${i.status} /> <span class="muted">${i.severity} · ${fmtTime(i.created_at || i.started_at)}</span>
          <${Button} aria-label=${'Edit incident ' + i.title} aria-expanded=${editing === i.id ? 'true' : 'false'} onClick=${() => setEditing(editing === i.id ? null : i.id)}>Edit<//>
          <${Button} kind="danger" aria-label=${'Delete incident ' + i.title} onClick=${() => confirm(async () => { await api.del(`/status-pages/${p.id}/incidents/${i.id}`); res.reload(); },
            { title: 'Delete this incident?', body: `"${i.title}" and its updates disappear from the status page.`, label: 'Delete', danger: true })}>Delete<//></div>
        ${editing === i.id && html`<${EditIncident} page=${p} incident=${i} onCancel=${() => setEditing(null)} onDone=${() => { setEditing(null); res.reload(); }} />`}
        ${i.postmortem && html`<details><summary>Postmortem</summary><p>${i.postmortem}</p></details>`}
        <ul>${(i.updates || []).map((u) => html`<li><span class="muted">${fmtTime(u.created_at || u.at)} — ${u.status}:</span> ${u.message}</li>`)}</ul>
        ${i.status !== 'resolved' && html`<${IncidentUpdate} page=${p} incident=${i} onDone=${res.reload} />`}
      </div>`)}
    <${NewIncident} page=${p} onDone=${res.reload} />
    <${Subscribers} page=${p} />`}<//>`;
}
