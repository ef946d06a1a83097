// Teams: groups of members that escalation policies can page.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { Field, Button, ErrorBanner, PageHeader, Table, EmptyState, useResource, Resource, useConfirm, useForm, toast } from '../ui.js';

export function Teams() {
  const res = useResource(() => api.get('/teams'), []);
  const f = useForm({ name: '', description: '' });
  async function onSubmit(e) {
    e.preventDefault();
    const t = await f.submit((v) => api.post('/teams', v));
    if (t) { toast('Team created'); navigate('/teams/' + t.id); }
  }
  return html`<${PageHeader} title="Teams" subtitle="Groups of members; escalation policies can page a whole team." />
    <form class="card form" onSubmit=${onSubmit} novalidate>
      <h2>Create a team</h2>
      <${ErrorBanner} error=${f.error} shownFields=${['name', 'description']} />
      <${Field} label="Name" name="name" value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
      <${Field} label="Description" name="description" value=${f.values.description} onInput=${f.set('description')} error=${f.fieldError('description')} />
      <${Button} kind="primary" type="submit" busy=${f.busy}>Create team<//>
    </form>
    <${Resource} res=${res}>${(list) => list.length === 0 ? html`<${EmptyState} title="No teams yet">Create one above, then add members to it.<//>`
      : html`<${Table} caption="Teams" rows=${list} columns=${[
        { label: 'Name', render: (t) => html`<a href=${'/teams/' + t.id}>${t.name}</a>` }, { label: 'Description', key: 'description' }, { label: 'Members', class: 'num', key: 'member_count' }]} />`}<//>`;
}

// EditTeam renames a team or changes its description (PUT).
function EditTeam({ team, onDone, onCancel }) {
  const f = useForm({ name: team.name, description: team.description || '' });
  async function onSubmit(e) {
    e.preventDefault();
    if (await f.submit((v) => api.put('/teams/' + team.id, v))) { toast('Team saved'); onDone(); }
  }
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>Edit team</h2>
    <${ErrorBanner} error=${f.error} shownFields=${['name', 'description']} />
    <${Field} label="Name" name="name" value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
    <${Field} label="Description" name="description" value=${f.values.description} onInput=${f.set('description')} error=${f.fieldError('description')} />
    <div class="row"><${Button} kind="primary" type="submit" busy=${f.busy}>Save team<//><${Button} onClick=${onCancel}>Cancel<//></div>
  </form>`;
}

export function TeamDetail({ params }) {
  const res = useResource(() => Promise.all([api.get('/teams/' + params.id), api.get(`/teams/${params.id}/members`), api.get('/members')]), [params.id]);
  const f = useForm({ user_id: '' });
  const [dialog, confirm] = useConfirm();
  const [editing, setEditing] = useState(false);
  return html`<${Resource} res=${res}>${([team, members, all]) => {
    const candidates = all.filter((m) => !members.some((x) => x.user_id === m.user_id));
    async function add(e) {
      e.preventDefault();
      if (await f.submit((v) => api.post(`/teams/${team.id}/members`, { user_id: v.user_id || candidates[0]?.user_id }))) { toast('Added'); res.reload(); }
    }
    return html`<${PageHeader} title=${team.name} subtitle=${team.description}>
        <${Button} onClick=${() => setEditing(true)} aria-expanded=${editing ? 'true' : 'false'}>Edit team<//>
        <${Button} kind="danger" onClick=${() => confirm(async () => { await api.del('/teams/' + team.id); navigate('/teams'); }, { title: 'Delete this team?', body: 'Escalation steps that page it stop working.', label: 'Delete', danger: true })}>Delete team<//>
      <//>${dialog}
      ${editing && html`<${EditTeam} team=${team} onCancel=${() => setEditing(false)} onDone=${() => { setEditing(false); res.reload(); }} />`}
      ${members.length === 0 ? html`<p class="muted">No members in this team yet.</p>` : html`<${Table} caption="Team members" rowKey=${(m) => m.user_id} rows=${members} columns=${[
        { label: 'Name', render: (m) => html`${m.full_name}<div class="muted">${m.email}</div>` }, { label: 'Role', key: 'role' },
        { label: 'Actions', render: (m) => html`<${Button} aria-label=${'Remove ' + m.email + ' from the team'} onClick=${async () => { await api.del(`/teams/${team.id}/members/${m.user_id}`); res.reload(); }}>Remove<//>` }]} />`}
      ${candidates.length > 0 && html`<form class="card form" onSubmit=${add}>
        <${ErrorBanner} error=${f.error} shownFields=${['user_id']} />
        <${Field} label="Add a member" name="user_id" as="select" value=${f.values.user_id || candidates[0].user_id} onInput=${f.set('user_id')} error=${f.fieldError('user_id')}
          options=${candidates.map((m) => ({ value: m.user_id, label: `${m.full_name} (${m.email})` }))} />
        <${Button} kind="primary" type="submit" busy=${f.busy}>Add to team<//>
      </form>`}`;
  }}<//>`;
}
