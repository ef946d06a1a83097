// SCIM provisioning (SPEC §10): the SCIM base URL to paste into the identity provider, and
// the organization's SCIM tokens — create (the secret is shown once, with a copy button),
// list, revoke. Admins and owners only; the API refuses everyone else.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { Field, Button, ErrorBanner, Banner, PageHeader, Table, EmptyState, CopyButton, useResource, Resource, useConfirm, useForm, fmtTime } from '../ui.js';

export function ScimTokens() {
  const res = useResource(() => api.get('/organization/scim-tokens'), []);
  const f = useForm({ name: '' });
  const [created, setCreated] = useState(null);
  const [dialog, confirm] = useConfirm();
  async function onSubmit(e) {
    e.preventDefault();
    const t = await f.submit((v) => api.post('/organization/scim-tokens', { name: v.name }));
    if (t) { setCreated(t); f.setValues({ name: '' }); res.reload(); }
  }
  const revoke = (t) => confirm(async () => { await api.del('/organization/scim-tokens/' + t.id); res.reload(); },
    { title: 'Revoke this SCIM token?', body: `The identity provider using ${t.name} can no longer provision users.`, label: 'Revoke', danger: true });
  return html`<${PageHeader} title="SCIM provisioning" subtitle="Let your identity provider (Okta, Microsoft Entra ID) create, update and deactivate members and teams." />
    ${created && html`<${Banner} kind="success"><div>
      <p><strong>${created.name}</strong> created. Copy the token now — it is shown only once.</p>
      <div class="secret"><code data-secret>${created.token}</code><${CopyButton} text=${created.token} label="Copy SCIM token" /></div>
    </div><//>`}
    <${Resource} res=${res}>${(data) => html`
      <section class="card"><h2>SCIM base URL</h2>
        <p>Paste this as the SCIM connector base URL (Okta) or Tenant URL (Entra ID), with a token below as the bearer token.</p>
        <div class="secret"><code data-scim-url>${data.scim_base_url}</code><${CopyButton} text=${data.scim_base_url} label="Copy SCIM base URL" /></div>
        <p class="hint">Provisioned users join this organization as members and sign in with single sign-on: they have no password. Groups become teams.</p>
      </section>
      <form class="card form" onSubmit=${onSubmit} novalidate>
        <h2>Create a token</h2>
        <${ErrorBanner} error=${f.error} shownFields=${['name']} />
        <${Field} label="Name" name="name" hint="Which identity provider uses it, e.g. Okta" value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
        <${Button} kind="primary" type="submit" busy=${f.busy}>Create token<//>
      </form>
      ${dialog}
      ${data.tokens.length === 0 ? html`<${EmptyState} title="No SCIM tokens">Create one above for your identity provider.<//>`
        : html`<${Table} caption="SCIM tokens" rows=${data.tokens} columns=${[
          { label: 'Name', key: 'name' }, { label: 'Prefix', render: (t) => html`<code>${t.prefix}…</code>` },
          { label: 'Created', render: (t) => fmtTime(t.created_at) },
          { label: 'Actions', render: (t) => html`<${Button} kind="danger" aria-label=${'Revoke ' + t.name} onClick=${() => revoke(t)}>Revoke<//>` }]} />`}`}<//>`;
}
