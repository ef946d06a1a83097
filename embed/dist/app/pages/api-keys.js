// API keys: list, create (the secret is shown once, with a copy button), revoke.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { Field, Button, ErrorBanner, Banner, PageHeader, Table, EmptyState, CopyButton, useResource, Resource, useConfirm, useForm, fmtTime, fmtAgo } from '../ui.js';
import { roleDescription, roleLabel, roleOptions, can, RoleNote } from '../roles.js';
import { t } from '../i18n.js';

// A key's role is at most admin, and never above its creator's (SPEC §2.3).
const KEY_ROLES = ['viewer', 'responder', 'member', 'admin'];

export function ApiKeys({ org }) {
  const mayManage = can(org, 'member');
  const res = useResource(() => api.get('/api-keys'), []);
  const f = useForm({ name: '', role: 'member', expires_at: '' });
  const [created, setCreated] = useState(null);
  const [dialog, confirm] = useConfirm();
  async function onSubmit(e) {
    e.preventDefault();
    const k = await f.submit((v) => api.post('/api-keys', { name: v.name, role: v.role, expires_at: v.expires_at ? new Date(v.expires_at).toISOString() : undefined }));
    if (k) { setCreated(k); f.setValues({ name: '', role: 'member', expires_at: '' }); res.reload(); }
  }
  return html`<${PageHeader} title=${t('api_keys.title')} subtitle=${t('api_keys.subtitle')} />
    ${created && html`<${Banner} kind="success"><div>
      <p><strong>${created.name}</strong> ${t('api_keys.created_once')}</p>
      <div class="secret"><code data-secret>${created.key}</code><${CopyButton} text=${created.key} label=${t('api_keys.copy')} /></div>
    </div><//>`}
    <${RoleNote} org=${org} min="member" what=${t('api_keys.role_what')} />
    ${mayManage && html`<form class="card form" onSubmit=${onSubmit} novalidate>
      <h2>${t('api_keys.create_heading')}</h2>
      <${ErrorBanner} error=${f.error} shownFields=${['name', 'role', 'expires_at']} />
      <${Field} label=${t('common.name')} name="name" value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
      <${Field} label=${t('teams.role')} name="role" as="select" options=${roleOptions(KEY_ROLES, org?.role)} value=${f.values.role} onInput=${f.set('role')} error=${f.fieldError('role')}
        hint=${t('api_keys.role_hint', { description: roleDescription(f.values.role) })} />
      <${Field} label=${t('api_keys.expires_optional')} name="expires_at" type="date" value=${f.values.expires_at} onInput=${f.set('expires_at')} error=${f.fieldError('expires_at')} />
      <${Button} kind="primary" type="submit" busy=${f.busy}>${t('api_keys.create')}<//>
    </form>`}
    ${dialog}
    <${Resource} res=${res}>${(keys) => keys.length === 0 ? html`<${EmptyState} title=${t('api_keys.empty_title')}>${t('api_keys.empty_text')}<//>`
      : html`<${Table} caption=${t('api_keys.title')} rows=${keys} columns=${[
        { label: t('common.name'), key: 'name' }, { label: t('api_keys.prefix'), render: (k) => html`<code>${k.prefix}…</code>` }, { label: t('teams.role'), render: (k) => html`<span title=${roleDescription(k.role)}>${roleLabel(k.role)}</span>` },
        { label: t('api_keys.created'), render: (k) => fmtTime(k.created_at) }, { label: t('api_keys.last_used'), render: (k) => fmtAgo(k.last_used_at) },
        { label: t('members.expires'), render: (k) => (k.expires_at ? fmtTime(k.expires_at) : t('api_keys.never')) },
        { label: t('common.actions'), render: (k) => mayManage && html`<${Button} kind="danger" aria-label=${t('api_keys.revoke_name', { name: k.name })} onClick=${() => confirm(async () => { await api.del('/api-keys/' + k.id); res.reload(); }, { title: t('api_keys.revoke_title'), body: t('api_keys.revoke_body', { name: k.name }), label: t('members.revoke'), danger: true })}>${t('members.revoke')}<//>` }]} />`}<//>`;
}
