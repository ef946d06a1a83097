// Members and invitations: list with role changes, add/invite by e-mail (the
// invitation link is shown so it can be sent by hand when no mail server is set).
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { Field, Button, ErrorBanner, Banner, PageHeader, Table, EmptyState, CopyButton, useResource, Resource, useConfirm, useForm, toast, fmtTime } from '../ui.js';
import { ROLE_DESCRIPTION, roleLabel, roleOptions, can, RoleNote } from '../roles.js';

function RoleSelect({ member, onDone }) {
  const [err, setErr] = useState(null);
  async function change(role) {
    setErr(null);
    try { await api.put('/members/' + member.user_id, { role }); toast('Role changed'); onDone(); } catch (e) { setErr(e); }
  }
  return html`<select aria-label=${'Role of ' + member.email} value=${member.role} onChange=${(e) => change(e.target.value)}>${roleOptions().map((o) => html`<option value=${o.value}>${o.label}</option>`)}</select>
    ${err && html`<div class="field-error" role="alert">${err.message}</div>`}`;
}

// RoleCell shows a role with what it may do.
function RoleCell({ role }) {
  return html`<span title=${ROLE_DESCRIPTION[role]}>${roleLabel(role)}</span>`;
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
    if (r) { setInvited(r.invite_url ? r : null); toast(r.invite_url ? 'Invitation created' : 'Member added'); f.setValues({ email: '', role: 'member' }); members.reload(); invites.reload(); }
  }
  return html`<${PageHeader} title="Members" subtitle="Who can see and change this organization." />
    ${invited && html`<${Banner} kind="success"><div><p>Invitation for ${invited.email || 'the new member'}${invited.email_sent ? ' sent by e-mail' : ' created (no e-mail was sent — share the link)'}:</p>
      <div class="secret"><code>${invited.invite_url}</code><${CopyButton} text=${invited.invite_url} label="Copy invitation link" /></div></div><//>`}
    <${RoleNote} org=${org} min="admin" what="adding, inviting and removing members and changing roles" />
    ${admin && html`<form class="card form" onSubmit=${onSubmit} novalidate>
      <h2>Add or invite</h2>
      <${ErrorBanner} error=${f.error} shownFields=${['email', 'role']} />
      <${Field} label="E-mail" name="email" type="email" value=${f.values.email} onInput=${f.set('email')} error=${f.fieldError('email')} hint="An account that has confirmed this address is added at once; any other address gets an invitation." />
      <${Field} label="Role" name="role" as="select" options=${roleOptions()} value=${f.values.role} onInput=${f.set('role')} error=${f.fieldError('role')}
        hint=${ROLE_DESCRIPTION[f.values.role]} />
      <${Button} kind="primary" type="submit" busy=${f.busy}>Add member<//>
    </form>`}
    ${dialog}
    <${Resource} res=${members}>${(list) => html`<${Table} caption="Members" rows=${list} columns=${[
      { label: 'Name', render: (m) => html`${m.full_name}<div class="muted">${m.email}</div>` },
      { label: 'Role', render: (m) => (m.user_id === profile.id || !admin ? html`<${RoleCell} role=${m.role} />` : html`<${RoleSelect} member=${m} onDone=${members.reload} />`) },
      { label: 'Joined', render: (m) => fmtTime(m.joined_at) },
      { label: 'Actions', render: (m) => admin && m.user_id !== profile.id && html`<${Button} kind="danger" aria-label=${'Remove ' + m.email} onClick=${() => confirm(async () => { await api.del('/members/' + m.user_id); members.reload(); }, { title: 'Remove this member?', body: `${m.email} loses access to this organization.`, label: 'Remove', danger: true })}>Remove<//>` }]} />`}<//>
    <h2>Pending invitations</h2>
    <${Resource} res=${invites}>${(list) => list === null ? html`<p class="muted">Only admins see invitations.</p>` : list.length === 0 ? html`<p class="muted">No pending invitations.</p>`
      : html`<${Table} caption="Invitations" rows=${list} columns=${[
        { label: 'E-mail', key: 'email' }, { label: 'Role', render: (i) => html`<${RoleCell} role=${i.role} />` }, { label: 'Invited by', render: (i) => i.invited_by_name || 'a former member' },
        { label: 'Status', key: 'status' }, { label: 'Expires', render: (i) => fmtTime(i.expires_at) },
        { label: 'Actions', render: (i) => html`<${Button} aria-label=${'Revoke invitation for ' + i.email} onClick=${() => confirm(async () => { await api.del('/members/invitations/' + i.id); invites.reload(); }, { title: 'Revoke this invitation?', body: 'Its link stops working.', label: 'Revoke', danger: true })}>Revoke<//>` }]} />`}<//>`;
}
