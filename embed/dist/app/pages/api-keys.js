// API keys: list, create (the secret is shown once, with a copy button), revoke.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { Field, Button, ErrorBanner, Banner, PageHeader, Table, EmptyState, CopyButton, useResource, Resource, useConfirm, useForm, fmtTime, fmtAgo } from '../ui.js';
import { ROLE_DESCRIPTION, roleLabel, roleOptions, can, RoleNote } from '../roles.js';

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
  return html`<${PageHeader} title="API keys" subtitle="For scripts and integrations; each key acts in this organization only." />
    ${created && html`<${Banner} kind="success"><div>
      <p><strong>${created.name}</strong> created. Copy the key now — it is shown only once.</p>
      <div class="secret"><code data-secret>${created.key}</code><${CopyButton} text=${created.key} label="Copy API key" /></div>
    </div><//>`}
    <${RoleNote} org=${org} min="member" what="creating and revoking API keys" />
    ${mayManage && html`<form class="card form" onSubmit=${onSubmit} novalidate>
      <h2>Create a key</h2>
      <${ErrorBanner} error=${f.error} shownFields=${['name', 'role', 'expires_at']} />
      <${Field} label="Name" name="name" value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
      <${Field} label="Role" name="role" as="select" options=${roleOptions(KEY_ROLES, org?.role)} value=${f.values.role} onInput=${f.set('role')} error=${f.fieldError('role')}
        hint=${'What the key may do: ' + (ROLE_DESCRIPTION[f.values.role] || '') + ' A key never outranks the person who creates it.'} />
      <${Field} label="Expires (optional)" name="expires_at" type="date" value=${f.values.expires_at} onInput=${f.set('expires_at')} error=${f.fieldError('expires_at')} />
      <${Button} kind="primary" type="submit" busy=${f.busy}>Create key<//>
    </form>`}
    ${dialog}
    <${Resource} res=${res}>${(keys) => keys.length === 0 ? html`<${EmptyState} title="No API keys">Create one above to use the API from scripts.<//>`
      : html`<${Table} caption="API keys" rows=${keys} columns=${[
        { label: 'Name', key: 'name' }, { label: 'Prefix', render: (k) => html`<code>${k.prefix}…</code>` }, { label: 'Role', render: (k) => html`<span title=${ROLE_DESCRIPTION[k.role]}>${roleLabel(k.role)}</span>` },
        { label: 'Created', render: (k) => fmtTime(k.created_at) }, { label: 'Last used', render: (k) => fmtAgo(k.last_used_at) },
        { label: 'Expires', render: (k) => (k.expires_at ? fmtTime(k.expires_at) : 'Never') },
        { label: 'Actions', render: (k) => mayManage && html`<${Button} kind="danger" aria-label=${'Revoke ' + k.name} onClick=${() => confirm(async () => { await api.del('/api-keys/' + k.id); res.reload(); }, { title: 'Revoke this key?', body: `Scripts using ${k.name} stop working at once.`, label: 'Revoke', danger: true })}>Revoke<//>` }]} />`}<//>`;
}
