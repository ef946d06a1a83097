// Members and invitations: list with role changes, add/invite by e-mail (the
// invitation link is shown so it can be sent by hand when no mail server is set).
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { Field, Button, ErrorBanner, Banner, PageHeader, Table, EmptyState, CopyButton, useResource, Resource, useConfirm, useForm, toast, fmtTime, statusLabel } from '../ui.js';
import { roleDescription, roleLabel, roleOptions, can, RoleNote } from '../roles.js';
import { t } from '../i18n.js';

function RoleSelect({ member, onDone }) {
  const [err, setErr] = useState(null);
  async function change(role) {
    setErr(null);
    try { await api.put('/members/' + member.user_id, { role }); toast(t('members.role_changed')); onDone(); } catch (e) { setErr(e); }
  }
  return html`<select aria-label=${t('members.role_of', { email: member.email })} value=${member.role} onChange=${(e) => change(e.target.value)}>${roleOptions().map((o) => html`<option value=${o.value}>${o.label}</option>`)}</select>
    ${err && html`<div class="field-error" role="alert">${err.message}</div>`}`;
}

// RoleCell shows a role with what it may do.
function RoleCell({ role }) {
  return html`<span title=${roleDescription(role)}>${roleLabel(role)}</span>`;
}

export function Members({ profile, org }) {
  const admin = can(org, 'admin');
  const members = useResource(() => api.get('/members'), []);
  const invites = useResource(() => api.get('/members/invitations').catch((e) => (e.status === 403 ? null : Promise.reject(e))), []);
  const f = useForm({ email: '', role: 'member' });
  const [invited, setInvited] = useState(null);
  const [dialog, confirm] = useConfirm();
  async function onSubmit(e) {
    e.preventDefault();
    const r = await f.submit((v) => api.post('/members', v));
    if (r) { setInvited(r.invite_url ? r : null); toast(r.invite_url ? t('members.invitation_created') : t('members.added')); f.setValues({ email: '', role: 'member' }); members.reload(); invites.reload(); }
  }
  const who = invited && (invited.email || t('members.the_new_member'));
  return html`<${PageHeader} title=${t('members.title')} subtitle=${t('members.subtitle')} />
    ${invited && html`<${Banner} kind="success"><div><p>${invited.email_sent ? t('members.invitation_sent', { email: who }) : t('members.invitation_link', { email: who })}</p>
      <div class="secret"><code>${invited.invite_url}</code><${CopyButton} text=${invited.invite_url} label=${t('members.copy_link')} /></div></div><//>`}
    <${RoleNote} org=${org} min="admin" what=${t('members.role_what')} />
    ${admin && html`<form class="card form" onSubmit=${onSubmit} novalidate>
      <h2>${t('members.add_heading')}</h2>
      <${ErrorBanner} error=${f.error} shownFields=${['email', 'role']} />
      <${Field} label=${t('members.email')} name="email" type="email" value=${f.values.email} onInput=${f.set('email')} error=${f.fieldError('email')} hint=${t('members.email_hint')} />
      <${Field} label=${t('teams.role')} name="role" as="select" options=${roleOptions()} value=${f.values.role} onInput=${f.set('role')} error=${f.fieldError('role')}
        hint=${roleDescription(f.values.role)} />
      <${Button} kind="primary" type="submit" busy=${f.busy}>${t('members.add')}<//>
    </form>`}
    ${dialog}
    <${Resource} res=${members}>${(list) => html`<${Table} caption=${t('members.title')} rows=${list} columns=${[
      { label: t('common.name'), render: (m) => html`${m.full_name}<div class="muted">${m.email}</div>` },
      { label: t('teams.role'), render: (m) => (m.user_id === profile.id || !admin ? html`<${RoleCell} role=${m.role} />` : html`<${RoleSelect} member=${m} onDone=${members.reload} />`) },
      { label: t('members.joined'), render: (m) => fmtTime(m.joined_at) },
      { label: t('common.actions'), render: (m) => admin && m.user_id !== profile.id && html`<${Button} kind="danger" aria-label=${t('members.remove_name', { email: m.email })} onClick=${() => confirm(async () => { await api.del('/members/' + m.user_id); members.reload(); }, { title: t('members.remove_title'), body: t('members.remove_body', { email: m.email }), label: t('teams.remove'), danger: true })}>${t('teams.remove')}<//>` }]} />`}<//>
    <h2>${t('members.pending')}</h2>
    <${Resource} res=${invites}>${(list) => list === null ? html`<p class="muted">${t('members.only_admins')}</p>` : list.length === 0 ? html`<p class="muted">${t('members.no_pending')}</p>`
      : html`<${Table} caption=${t('members.invitations')} rows=${list} columns=${[
        { label: t('members.email'), key: 'email' }, { label: t('teams.role'), render: (i) => html`<${RoleCell} role=${i.role} />` }, { label: t('members.invited_by'), render: (i) => i.invited_by_name || t('members.former_member') },
        { label: t('common.status'), render: (i) => statusLabel(i.status) }, { label: t('members.expires'), render: (i) => fmtTime(i.expires_at) },
        { label: t('common.actions'), render: (i) => html`<${Button} aria-label=${t('members.revoke_name', { email: i.email })} onClick=${() => confirm(async () => { await api.del('/members/invitations/' + i.id); invites.reload(); }, { title: t('members.revoke_title'), body: t('members.revoke_body'), label: t('members.revoke'), danger: true })}>${t('members.revoke')}<//>` }]} />`}<//>`;
}
