// Settings → Secrets: the organization's secrets vault. A value is typed here once,
// sealed by the server and never shown again; checks and notification channels refer to
// it as {{secrets.NAME}}, and the list says where each secret is used. Rotating sets a
// new value (used from the next check on); deleting a secret in use asks again, naming
// its users, and then deletes it anyway (?force=true): they fail until fixed.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, useResource, Resource, useConfirm, useForm, toast, fmtTime } from '../ui.js';
import { can, RoleNote } from '../roles.js';
import { t } from '../i18n.js';

// reference is how a check or channel names a secret.
const reference = (name) => `{{secrets.${name}}}`;

// userLink names the kind of object a secret is used by, and links it where it is edited.
function userLink(u) {
  const kinds = { service: [t('secrets.kind.service'), '/services/' + u.id],
    notification_channel: [t('secrets.kind.notification_channel'), '/channels/' + u.id],
    // Streams have no page of their own: they are edited in the audit-log page's section.
    audit_stream: [t('secrets.kind.audit_stream'), '/audit-log'] };
  const [kind, href] = kinds[u.kind] || [u.kind, null];
  return html`${kind} ${href ? html`<a href=${href}>${u.name}</a>` : u.name} <code>${u.field}</code>`;
}

// UsedBy lists where a secret is referred to.
function UsedBy({ uses }) {
  if (uses.length === 0) return html`<span class="muted">${t('secrets.unused')}</span>`;
  return html`<ul class="plain" data-used-by>${uses.map((u) => html`<li>${userLink(u)}</li>`)}</ul>`;
}

// Rotate sets a new value for one secret.
function Rotate({ secret, onDone, onCancel }) {
  const f = useForm({ value: '' });
  async function onSubmit(e) {
    e.preventDefault();
    const saved = await f.submit((v) => api.put('/secrets/' + secret.name, { value: v.value }));
    if (saved) { toast(t('secrets.rotated', { name: secret.name })); onDone(); }
  }
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>${t('secrets.rotate.title', { name: secret.name })}</h2>
    <${ErrorBanner} error=${f.error} shownFields=${['value']} />
    <${Field} label=${t('secrets.rotate.value')} name="rotate-value" type="password" autocomplete="new-password" value=${f.values.value}
      onInput=${f.set('value')} error=${f.fieldError('value')} hint=${t('secrets.rotate.hint')} />
    <div class="row"><${Button} kind="primary" type="submit" busy=${f.busy}>${t('secrets.rotate.submit')}<//><${Button} onClick=${onCancel}>${t('common.cancel')}<//></div>
  </form>`;
}

export function Secrets({ org }) {
  const mayEdit = can(org, 'member');
  const res = useResource(() => api.get('/secrets'), []);
  const f = useForm({ name: '', value: '' });
  const [rotating, setRotating] = useState(null);
  const [dialog, confirm] = useConfirm();
  async function onSubmit(e) {
    e.preventDefault();
    const created = await f.submit((v) => api.post('/secrets', { name: v.name.trim(), value: v.value }));
    if (created) { toast(t('secrets.created', { name: created.name })); f.setValues({ name: '', value: '' }); res.reload(); }
  }
  const remove = (s) => s.used_by.length === 0
    ? confirm(async () => { await api.del('/secrets/' + s.name); res.reload(); },
      { title: t('secrets.delete.title', { name: s.name }), body: t('secrets.delete.body', { name: s.name }), label: t('common.delete'), danger: true })
    : confirm(async () => { await api.del('/secrets/' + s.name + '?force=true'); res.reload(); },
      { title: t('secrets.force.title', { name: s.name }), danger: true, label: t('secrets.force.button'),
        body: html`<p>${t('secrets.force.body', { name: s.name, count: s.used_by.length })}</p><${UsedBy} uses=${s.used_by} />
          <p>${t('secrets.force.consequence', { message: `secret ${s.name} was deleted` })}</p>` });
  return html`<${PageHeader} title=${t('secrets.title')} subtitle=${t('secrets.subtitle', { ref: reference('NAME') })} />
    <${RoleNote} org=${org} min="member" what=${t('secrets.role_what')} />
    ${mayEdit && html`<form class="card form" onSubmit=${onSubmit} novalidate>
      <h2>${t('secrets.form.title')}</h2>
      <${ErrorBanner} error=${f.error} shownFields=${['name', 'value']} />
      <${Field} label=${t('common.name')} name="secret-name" value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')}
        hint=${t('secrets.form.name_hint')} autocomplete="off" />
      <${Field} label=${t('secrets.form.value')} name="secret-value" type="password" autocomplete="new-password" value=${f.values.value}
        onInput=${f.set('value')} error=${f.fieldError('value')} hint=${t('secrets.form.value_hint')} />
      <${Button} kind="primary" type="submit" busy=${f.busy}>${t('secrets.form.submit')}<//>
    </form>`}
    ${rotating && html`<${Rotate} secret=${rotating} onDone=${() => { setRotating(null); res.reload(); }} onCancel=${() => setRotating(null)} />`}
    ${dialog}
    <${Resource} res=${res}>${(list) => list.length === 0
      ? html`<${EmptyState} title=${t('secrets.empty.title')}>${t('secrets.empty.body', { ref: reference('API_TOKEN') })}<//>`
      : html`<${Table} caption=${t('secrets.list.caption')} rows=${list} rowKey=${(s) => s.name} columns=${[
        { label: t('common.name'), render: (s) => html`<code data-secret-name>${s.name}</code>` },
        { label: t('secrets.col.reference'), render: (s) => html`<code>${reference(s.name)}</code>` },
        { label: t('secrets.col.used_by'), render: (s) => html`<${UsedBy} uses=${s.used_by} />` },
        { label: t('secrets.col.updated'), render: (s) => fmtTime(s.updated_at) },
        ...(mayEdit ? [{ label: t('common.actions'), render: (s) => html`<div class="row">
          <${Button} aria-label=${t('secrets.rotate.aria', { name: s.name })} onClick=${() => setRotating(s)}>${t('secrets.rotate.button')}<//>
          <${Button} kind="danger" aria-label=${t('secrets.delete.aria', { name: s.name })} onClick=${() => remove(s)}>${t('common.delete')}<//></div>` }] : [])]} />`}<//>`;
}
