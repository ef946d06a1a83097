// SCIM provisioning (SPEC §10): the SCIM base URL to paste into the identity provider, and
// the organization's SCIM tokens — create (the secret is shown once, with a copy button),
// list, revoke. Admins and owners only; the API refuses everyone else.
import { html, useState } from '../html.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { Field, Button, ErrorBanner, Banner, PageHeader, Table, EmptyState, CopyButton, useResource, Resource, useConfirm, useForm, fmtTime } from '../ui.js';

// withStrongName renders a message whose {name} is shown in bold; the message is split
// around the placeholder so each language can put the name where its grammar wants it.
function withStrongName(key, name) {
  const mark = '\u0001';
  const [before, after = ''] = t(key, { name: mark }).split(mark);
  return html`${before}<strong>${name}</strong>${after}`;
}

export function ScimTokens() {
  const res = useResource(() => api.get('/organization/scim-tokens'), []);
  const f = useForm({ name: '' });
  const [created, setCreated] = useState(null);
  const [dialog, confirm] = useConfirm();
  async function onSubmit(e) {
    e.preventDefault();
    const tok = await f.submit((v) => api.post('/organization/scim-tokens', { name: v.name }));
    if (tok) { setCreated(tok); f.setValues({ name: '' }); res.reload(); }
  }
  const revoke = (tok) => confirm(async () => { await api.del('/organization/scim-tokens/' + tok.id); res.reload(); },
    { title: t('scim_tokens.revoke.title'), body: t('scim_tokens.revoke.body', { name: tok.name }), label: t('scim_tokens.revoke.button'), danger: true });
  return html`<${PageHeader} title=${t('scim_tokens.title')} subtitle=${t('scim_tokens.subtitle')} />
    ${created && html`<${Banner} kind="success"><div>
      <p>${withStrongName('scim_tokens.created', created.name)}</p>
      <div class="secret"><code data-secret>${created.token}</code><${CopyButton} text=${created.token} label=${t('scim_tokens.copy_token')} /></div>
    </div><//>`}
    <${Resource} res=${res}>${(data) => html`
      <section class="card"><h2>${t('scim_tokens.base_url.title')}</h2>
        <p>${t('scim_tokens.base_url.help')}</p>
        <div class="secret"><code data-scim-url>${data.scim_base_url}</code><${CopyButton} text=${data.scim_base_url} label=${t('scim_tokens.base_url.copy')} /></div>
        <p class="hint">${t('scim_tokens.base_url.hint')}</p>
      </section>
      <form class="card form" onSubmit=${onSubmit} novalidate>
        <h2>${t('scim_tokens.form.title')}</h2>
        <${ErrorBanner} error=${f.error} shownFields=${['name']} />
        <${Field} label=${t('common.name')} name="name" hint=${t('scim_tokens.form.name_hint')} value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
        <${Button} kind="primary" type="submit" busy=${f.busy}>${t('scim_tokens.form.submit')}<//>
      </form>
      ${dialog}
      ${data.tokens.length === 0 ? html`<${EmptyState} title=${t('scim_tokens.empty.title')}>${t('scim_tokens.empty.body')}<//>`
        : html`<${Table} caption=${t('scim_tokens.list.caption')} rows=${data.tokens} columns=${[
          { label: t('common.name'), key: 'name' }, { label: t('scim_tokens.col.prefix'), render: (tok) => html`<code>${tok.prefix}…</code>` },
          { label: t('scim_tokens.col.created'), render: (tok) => fmtTime(tok.created_at) },
          { label: t('common.actions'), render: (tok) => html`<${Button} kind="danger" aria-label=${t('scim_tokens.revoke.aria', { name: tok.name })} onClick=${() => revoke(tok)}>${t('scim_tokens.revoke.button')}<//>` }]} />`}`}<//>`;
}
