// Teams: groups of members that escalation policies can page. Creating, editing and
// deleting teams and changing who is in them is the admin's (SPEC §2.1); below that the
// pages read only and say why.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, useResource, Resource, useConfirm, useForm, toast } from '../ui.js';
import { can, RoleNote, roleLabel } from '../roles.js';
import { t } from '../i18n.js';

export function Teams({ org }) {
  const admin = can(org, 'admin');
  const res = useResource(() => api.get('/teams'), []);
  const f = useForm({ name: '', description: '' });
  async function onSubmit(e) {
    e.preventDefault();
    const team = await f.submit((v) => api.post('/teams', v));
    if (team) { toast(t('teams.created')); navigate('/teams/' + team.id); }
  }
  return html`<${PageHeader} title=${t('teams.title')} subtitle=${t('teams.subtitle')} />
    <${RoleNote} org=${org} min="admin" what=${t('teams.role_what')} />
    ${admin && html`<form class="card form" onSubmit=${onSubmit} novalidate>
      <h2>${t('teams.create_heading')}</h2>
      <${ErrorBanner} error=${f.error} shownFields=${['name', 'description']} />
      <${Field} label=${t('common.name')} name="name" value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
      <${Field} label=${t('teams.description')} name="description" value=${f.values.description} onInput=${f.set('description')} error=${f.fieldError('description')} />
      <${Button} kind="primary" type="submit" busy=${f.busy}>${t('teams.create')}<//>
    </form>`}
    <${Resource} res=${res}>${(list) => list.length === 0 ? html`<${EmptyState} title=${t('teams.empty_title')}>${admin ? t('teams.empty_text') : ''}<//>`
      : html`<${Table} caption=${t('teams.title')} rows=${list} columns=${[
        { label: t('common.name'), render: (team) => html`<a href=${'/teams/' + team.id}>${team.name}</a>` }, { label: t('teams.description'), key: 'description' },
        { label: t('teams.members'), class: 'num', key: 'member_count' }]} />`}<//>`;
}

// EditTeam renames a team or changes its description (PUT).
function EditTeam({ team, onDone, onCancel }) {
  const f = useForm({ name: team.name, description: team.description || '' });
  async function onSubmit(e) {
    e.preventDefault();
    if (await f.submit((v) => api.put('/teams/' + team.id, v))) { toast(t('teams.saved')); onDone(); }
  }
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>${t('teams.edit')}</h2>
    <${ErrorBanner} error=${f.error} shownFields=${['name', 'description']} />
    <${Field} label=${t('common.name')} name="name" value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
    <${Field} label=${t('teams.description')} name="description" value=${f.values.description} onInput=${f.set('description')} error=${f.fieldError('description')} />
    <div class="row"><${Button} kind="primary" type="submit" busy=${f.busy}>${t('teams.save')}<//><${Button} onClick=${onCancel}>${t('common.cancel')}<//></div>
  </form>`;
}

export function TeamDetail({ params, org }) {
  const admin = can(org, 'admin');
  const res = useResource(() => Promise.all([api.get('/teams/' + params.id), api.get(`/teams/${params.id}/members`), api.get('/members')]), [params.id]);
  const f = useForm({ user_id: '' });
  const [dialog, confirm] = useConfirm();
  const [editing, setEditing] = useState(false);
  return html`<${Resource} res=${res}>${([team, members, all]) => {
    const candidates = all.filter((m) => !members.some((x) => x.user_id === m.user_id));
    async function add(e) {
      e.preventDefault();
      if (await f.submit((v) => api.post(`/teams/${team.id}/members`, { user_id: v.user_id || candidates[0]?.user_id }))) { toast(t('teams.added')); res.reload(); }
    }
    const columns = [
      { label: t('common.name'), render: (m) => html`${m.full_name}<div class="muted">${m.email}</div>` }, { label: t('teams.role'), render: (m) => roleLabel(m.role) }];
    if (admin) {
      columns.push({ label: t('common.actions'), render: (m) => html`<${Button} aria-label=${t('teams.remove_name', { email: m.email })}
        onClick=${async () => { await api.del(`/teams/${team.id}/members/${m.user_id}`); res.reload(); }}>${t('teams.remove')}<//>` });
    }
    return html`<${PageHeader} title=${team.name} subtitle=${team.description}>
        ${admin && html`<${Button} onClick=${() => setEditing(true)} aria-expanded=${editing ? 'true' : 'false'}>${t('teams.edit')}<//>
        <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/teams/' + team.id); navigate('/teams'); },
          { title: t('teams.delete_title'), body: t('teams.delete_body'), label: t('common.delete'), danger: true })}>${t('teams.delete')}<//>`}
      <//>${dialog}
      <${RoleNote} org=${org} min="admin" what=${t('teams.role_what_detail')} />
      ${editing && admin && html`<${EditTeam} team=${team} onCancel=${() => setEditing(false)} onDone=${() => { setEditing(false); res.reload(); }} />`}
      ${members.length === 0 ? html`<p class="muted">${t('teams.no_members')}</p>`
        : html`<${Table} caption=${t('teams.team_members')} rowKey=${(m) => m.user_id} rows=${members} columns=${columns} />`}
      ${admin && candidates.length > 0 && html`<form class="card form" onSubmit=${add}>
        <${ErrorBanner} error=${f.error} shownFields=${['user_id']} />
        <${Field} label=${t('teams.add_member')} name="user_id" as="select" value=${f.values.user_id || candidates[0].user_id} onInput=${f.set('user_id')} error=${f.fieldError('user_id')}
          options=${candidates.map((m) => ({ value: m.user_id, label: `${m.full_name} (${m.email})` }))} />
        <${Button} kind="primary" type="submit" busy=${f.busy}>${t('teams.add_to_team')}<//>
      </form>`}`;
  }}<//>`;
}
