// Outbound webhooks: signed event deliveries to your systems. The secret is shown
// once, on creation.
import { html, useState } from '../html.js';
import { api, ApiError } from '../api.js';
import { Field, Button, ErrorBanner, Banner, PageHeader, Table, EmptyState, StatusBadge, CopyButton, useResource, Resource, useConfirm, useForm, toast, fmtTime, fmtAgo } from '../ui.js';
import { can, RoleNote } from '../roles.js';
import { t } from '../i18n.js';

const EVENTS = ['monitor.down', 'monitor.degraded', 'monitor.recovered', 'incident.created', 'incident.updated', 'incident.resolved',
  'ssl.expiring', 'ssl.expired', 'ssl.changed', 'heartbeat.missed', 'heartbeat.recovered', 'maintenance.started', 'maintenance.ended',
  'member.invited', 'member.removed', 'alert.acknowledged', 'alert.resolved'];

function Deliveries({ hook }) {
  const res = useResource(() => api.get(`/webhooks/${hook.id}/deliveries?limit=20`), [hook.id]);
  return html`<${Resource} res=${res}>${(list) => list.length === 0 ? html`<p class="muted">${t('webhooks.no_deliveries')}</p>`
    : html`<${Table} caption=${t('webhooks.deliveries_of', { url: hook.url })} rows=${list} columns=${[
      { label: t('webhooks.col.when'), render: (d) => fmtTime(d.timestamp) }, { label: t('webhooks.col.event'), key: 'event' },
      { label: t('webhooks.col.outcome'), render: (d) => html`<${StatusBadge} status=${d.outcome} />` }, { label: 'HTTP', render: (d) => d.status_code ?? '—' },
      { label: t('webhooks.col.error'), render: (d) => d.error || '' }]} />`}<//>`;
}

// EditHook edits URL, events and enabled, and sets a new secret when one is typed. The
// URL arrives masked; sending the mask back unchanged keeps the stored URL.
function EditHook({ hook, onDone, onCancel }) {
  const f = useForm({ url: hook.url, events: hook.events, enabled: hook.enabled, secret: '' });
  const toggle = (ev) => f.setValues((o) => ({ ...o, events: o.events.includes(ev) ? o.events.filter((x) => x !== ev) : [...o.events, ev] }));
  async function onSubmit(e) {
    e.preventDefault();
    const saved = await f.submit(({ secret, ...v }) => api.put('/webhooks/' + hook.id, secret ? { ...v, secret } : v));
    if (saved) { toast(t('webhooks.saved')); onDone(); }
  }
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>${t('webhooks.edit_title')}</h2>
    <${ErrorBanner} error=${f.error} shownFields=${['url', 'events', 'enabled', 'secret']} />
    <${Field} label="URL" name="edit-url" type="url" value=${f.values.url} onInput=${f.set('url')} error=${f.fieldError('url')} hint=${t('webhooks.url_hint')} />
    <fieldset><legend>${t('webhooks.events')}</legend>${EVENTS.map((ev) => html`<${Field} type="checkbox" label=${ev} name=${'edit-ev-' + ev} value=${f.values.events.includes(ev)} onInput=${() => toggle(ev)} />`)}
      ${f.fieldError('events') && html`<div class="field-error">${f.fieldError('events')}</div>`}</fieldset>
    <${Field} type="checkbox" label=${t('common.enabled')} name="edit-enabled" value=${f.values.enabled} onInput=${f.set('enabled')} error=${f.fieldError('enabled')} />
    <${Field} label=${t('webhooks.new_secret')} name="edit-secret" type="password" autocomplete="new-password" value=${f.values.secret} onInput=${f.set('secret')} error=${f.fieldError('secret')} hint=${t('webhooks.new_secret_hint')} />
    <div class="row"><${Button} kind="primary" type="submit" busy=${f.busy}>${t('webhooks.save')}<//><${Button} onClick=${onCancel}>${t('common.cancel')}<//></div>
  </form>`;
}

export function Webhooks({ org }) {
  const mayEdit = can(org, 'member');
  const res = useResource(() => api.get('/webhooks'), []);
  const [v, setV] = useState({ url: '', events: ['monitor.down', 'monitor.recovered'], enabled: true });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState(null);
  const [open, setOpen] = useState(null);
  const [testResult, setTestResult] = useState(null);
  const [editing, setEditing] = useState(null);
  const [dialog, confirm] = useConfirm();
  const fe = (k) => (error instanceof ApiError ? error.fields[k] : undefined);
  async function onSubmit(e) {
    e.preventDefault();
    setBusy(true); setError(null);
    try { const h = await api.post('/webhooks', v); setCreated(h); setV({ url: '', events: v.events, enabled: true }); res.reload(); } catch (err) { setError(err); } finally { setBusy(false); }
  }
  async function test(h) {
    setTestResult(null);
    try { const r = await api.post(`/webhooks/${h.id}/test`); setTestResult({ h, r }); } catch (e) { setTestResult({ h, e }); }
  }
  const toggle = (ev) => setV((o) => ({ ...o, events: o.events.includes(ev) ? o.events.filter((x) => x !== ev) : [...o.events, ev] }));
  return html`<${PageHeader} title=${t('webhooks.title')} subtitle=${t('webhooks.subtitle')} />
    <p class="explain" data-explain>${t('webhooks.explain')} <a href="/channels/new">${t('webhooks.explain_link')}</a>.</p>
    <${RoleNote} org=${org} min="member" what=${t('webhooks.role_what')} />
    ${created && html`<${Banner} kind="success"><div><p>${t('webhooks.created')}</p>
      <div class="secret"><code data-secret>${created.secret}</code><${CopyButton} text=${created.secret} label=${t('webhooks.copy_secret')} /></div></div><//>`}
    ${testResult && (testResult.e ? html`<${ErrorBanner} error=${testResult.e} />` : testResult.r.delivered ? html`<${Banner} kind="success">${t('webhooks.test_delivered', { url: testResult.h.url })}<//>`
      : html`<${Banner}>${t('webhooks.test_failed', { url: testResult.h.url, error: testResult.r.error || 'HTTP ' + testResult.r.status_code })}<//>`)}
    ${mayEdit && html`<form class="card form" onSubmit=${onSubmit} novalidate>
      <h2>${t('webhooks.new_title')}</h2>
      <${ErrorBanner} error=${error} shownFields=${['url', 'events', 'enabled']} />
      <${Field} label="URL" name="url" type="url" value=${v.url} onInput=${(x) => setV((o) => ({ ...o, url: x }))} error=${fe('url')} />
      <fieldset><legend>${t('webhooks.events')}</legend>${EVENTS.map((ev) => html`<${Field} type="checkbox" label=${ev} name=${'ev-' + ev} value=${v.events.includes(ev)} onInput=${() => toggle(ev)} />`)}
        ${fe('events') && html`<div class="field-error">${fe('events')}</div>`}</fieldset>
      <${Button} kind="primary" type="submit" busy=${busy}>${t('webhooks.add')}<//>
    </form>`}
    ${dialog}
    <${Resource} res=${res}>${(list) => list.length === 0 ? html`<${EmptyState} title=${t('webhooks.empty_title')}>${mayEdit ? t('webhooks.empty_body') : t('webhooks.empty_body_viewer')}<//>`
      : html`<${Table} caption=${t('webhooks.title')} rows=${list} columns=${[
        { label: 'URL', render: (h) => html`<code>${h.url}</code>${h.last_error && html`<div class="field-error">${h.last_error}</div>`}` },
        { label: t('webhooks.events'), render: (h) => h.events.join(', ') }, { label: t('webhooks.last_delivery'), render: (h) => fmtAgo(h.last_delivery_at) },
        { label: t('common.actions'), render: (h) => html`<div class="row">${mayEdit && html`<${Button} onClick=${() => test(h)}>${t('webhooks.send_test')}<//>`}
          <${Button} onClick=${() => setOpen(open === h.id ? null : h.id)} aria-expanded=${open === h.id ? 'true' : 'false'}>${t('webhooks.deliveries')}<//>
          ${mayEdit && html`<${Button} onClick=${() => setEditing(h)} aria-label=${t('webhooks.edit_label', { url: h.url })}>${t('common.edit')}<//>
          <${Button} kind="danger" aria-label=${t('webhooks.delete_label', { url: h.url })} onClick=${() => confirm(async () => { await api.del('/webhooks/' + h.id); res.reload(); }, { title: t('webhooks.delete_title'), body: h.url, label: t('common.delete'), danger: true })}>${t('common.delete')}<//>`}</div>
          ${open === h.id && html`<${Deliveries} hook=${h} />`}` }]} />`}<//>
    ${editing && html`<${EditHook} key=${editing.id} hook=${editing} onCancel=${() => setEditing(null)} onDone=${() => { setEditing(null); res.reload(); }} />`}`;
}
