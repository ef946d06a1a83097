// Probe locations (SPEC §8): every location the organization may use with its status
// and agents; admins add and delete the organization's own locations and make or
// revoke agent tokens, the instance admin does the same for instance locations. A new
// token is shown once, inside ready-to-paste docker and binary command lines.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { usePoll } from '../poll.js';
import { Field, Button, ErrorBanner, Banner, PageHeader, Table, EmptyState, StatusBadge, CopyButton, Loading, useForm, useConfirm, toast, fmtTime, fmtAgo } from '../ui.js';

const ADMIN_ROLES = ['admin', 'owner'];

// basePath is where a location is managed: the organization's own under /locations,
// an instance location under the instance admin's /admin/locations.
function basePath(loc) {
  return (loc.scope === 'instance' ? '/admin/locations/' : '/locations/') + loc.id;
}

// canManage: the built-in location has nothing to manage; an organization location
// takes an admin or owner of it, an instance location the instance admin.
function canManage(loc, org, profile) {
  if (loc.builtin) return false;
  if (loc.scope === 'instance') return !!profile.is_instance_admin;
  return ADMIN_ROLES.includes(org?.role);
}

// agentCommands are the two ways to run an agent with a fresh token.
export function agentCommands(serverURL, token) {
  return {
    docker: `docker run -d --name alertifypro-agent --restart unless-stopped --no-healthcheck \\\n  -e AGENT_SERVER_URL=${serverURL} \\\n  -e AGENT_TOKEN=${token} \\\n  alertifypro agent`,
    binary: `AGENT_SERVER_URL=${serverURL} AGENT_TOKEN=${token} alertifypro agent`,
  };
}

function Snippet({ title, text }) {
  return html`<div class="snippet"><div class="row"><strong>${title}</strong><${CopyButton} text=${text} label=${'Copy ' + title} /></div><pre data-command=${title}>${text}</pre></div>`;
}

// NewToken shows a token once, in the command lines that use it.
function NewToken({ created, onDismiss }) {
  const cmd = agentCommands(created.server_url || location.origin, created.token);
  return html`<${Banner} kind="success" onDismiss=${onDismiss}><div class="new-token">
    <p><strong>${created.name}</strong> created for <strong>${created.locationName}</strong>. Copy it now — it is shown only once.</p>
    <div class="secret"><code data-secret>${created.token}</code><${CopyButton} text=${created.token} label="Copy agent token" /></div>
    <${Snippet} title="docker run" text=${cmd.docker} />
    <${Snippet} title="binary" text=${cmd.binary} />
  </div><//>`;
}

function AgentsTable({ loc }) {
  if (loc.builtin) return html`<p class="muted">The server itself checks from here.</p>`;
  if (loc.agents.length === 0) return html`<p class="muted">No agent has connected yet. Make a token and start an agent with it.</p>`;
  return html`<${Table} caption=${'Agents of ' + loc.name} rows=${loc.agents} columns=${[
    { label: 'Agent', key: 'name' },
    { label: 'Connection', render: (a) => (a.connected ? 'Connected' : 'Disconnected') },
    { label: 'Version', render: (a) => html`<code>${a.version || '—'}</code>` },
    { label: 'Last seen', render: (a) => html`<span title=${fmtTime(a.last_seen_at)}>${fmtAgo(a.last_seen_at)}</span>` },
    { label: 'Remote address', render: (a) => html`<code>${a.remote_addr}</code>` }]} />`;
}

// Tokens lists a location's tokens, makes new ones and revokes them.
function Tokens({ loc, onCreated, confirm }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const f = useForm({ name: '' });
  const load = async () => { try { setList(await api.get(basePath(loc) + '/tokens')); setError(null); } catch (e) { setError(e); } };
  usePoll(load, 30000, [loc.id]);
  async function onSubmit(e) {
    e.preventDefault();
    const t = await f.submit((v) => api.post(basePath(loc) + '/tokens', v.name ? { name: v.name } : {}));
    if (t) { onCreated({ ...t, locationName: loc.name }); f.setValues({ name: '' }); load(); }
  }
  return html`<div class="tokens">
    <h3>Agent tokens</h3>
    <${ErrorBanner} error=${error} />
    ${list === null ? html`<${Loading} />` : list.length === 0 ? html`<p class="muted">No tokens.</p>`
      : html`<${Table} caption=${'Agent tokens of ' + loc.name} rows=${list} columns=${[
        { label: 'Name', key: 'name' }, { label: 'Prefix', render: (t) => html`<code>${t.prefix}…</code>` },
        { label: 'Created', render: (t) => fmtTime(t.created_at) }, { label: 'Last used', render: (t) => fmtAgo(t.last_used_at) },
        { label: 'Actions', render: (t) => html`<${Button} kind="danger" aria-label=${`Revoke token ${t.name} of ${loc.name}`} onClick=${() => confirm(async () => { await api.del(basePath(loc) + '/tokens/' + t.id); toast('Token revoked'); load(); },
          { title: 'Revoke this token?', body: `Agents using ${t.name} are disconnected at once.`, label: 'Revoke', danger: true })}>Revoke<//>` }]} />`}
    <form class="form form-inline" onSubmit=${onSubmit} novalidate aria-label=${'New token for ' + loc.name}>
      <${ErrorBanner} error=${f.error} shownFields=${['name']} />
      <${Field} label="Token name (optional)" name=${'token-name-' + loc.name} placeholder="e.g. rack-2 agent" value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
      <${Button} type="submit" busy=${f.busy} aria-label=${'Create a token for ' + loc.name}>Create token<//>
    </form>
  </div>`;
}

function LocationCard({ loc, org, profile, onCreated, confirm, reload }) {
  const manage = canManage(loc, org, profile);
  const scope = loc.builtin ? 'Built-in (this server)' : loc.scope === 'instance' ? 'Instance: every organization' : 'This organization';
  return html`<section class="card location" aria-labelledby=${'loc-' + loc.id} data-location=${loc.name}>
    <div class="row">
      <h2 id=${'loc-' + loc.id}>${loc.display_name || loc.name}${loc.display_name && loc.display_name !== loc.name && html` <code class="muted">${loc.name}</code>`}</h2>
      <${StatusBadge} status=${loc.status} />
    </div>
    <p class="muted">${scope}${loc.created_at ? ' · created ' + fmtTime(loc.created_at) : ''}${!loc.builtin && !manage ? ' · read-only' : ''}</p>
    <${AgentsTable} loc=${loc} />
    ${manage && html`<${Tokens} loc=${loc} onCreated=${onCreated} confirm=${confirm} />
      <div class="form-actions"><${Button} kind="danger" aria-label=${'Delete location ' + loc.name} onClick=${() => confirm(async () => { await api.del(basePath(loc)); toast('Location deleted'); reload(); },
        { title: `Delete ${loc.name}?`, body: 'Its tokens are revoked and its agents disconnected. Services that name it must name other locations first.', label: 'Delete', danger: true })}>Delete location<//></div>`}
  </section>`;
}

// NewLocation adds an organization location (or, for the instance admin, an instance one).
function NewLocation({ profile, onDone }) {
  const f = useForm({ name: '', display_name: '', scope: 'organization' });
  async function onSubmit(e) {
    e.preventDefault();
    const path = f.values.scope === 'instance' ? '/admin/locations' : '/locations';
    const body = { name: f.values.name };
    if (f.values.display_name) body.display_name = f.values.display_name;
    if (await f.submit(() => api.post(path, body))) { toast('Location added'); f.setValues({ name: '', display_name: '', scope: f.values.scope }); onDone(); }
  }
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>Add a location</h2>
    <${ErrorBanner} error=${f.error} shownFields=${['name', 'display_name']} />
    <${Field} label="Name" name="name" hint='A slug services refer to, e.g. "eu-west" or "home-lab"; it never changes.' value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
    <${Field} label="Display name (optional)" name="display_name" value=${f.values.display_name} onInput=${f.set('display_name')} error=${f.fieldError('display_name')} />
    ${profile.is_instance_admin && html`<${Field} label="Serves" name="scope" as="select" value=${f.values.scope} onInput=${f.set('scope')}
      options=${[{ value: 'organization', label: 'This organization only' }, { value: 'instance', label: 'Every organization (instance location)' }]} />`}
    <${Button} kind="primary" type="submit" busy=${f.busy}>Add location<//>
  </form>`;
}

export function Locations({ profile, org }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [created, setCreated] = useState(null);
  const [dialog, confirm] = useConfirm();
  const load = async () => { try { setList(await api.get('/locations')); setError(null); } catch (e) { setError(e); } };
  usePoll(load, 5000, []);
  const admin = ADMIN_ROLES.includes(org?.role) || profile.is_instance_admin;
  return html`<${PageHeader} title="Locations" subtitle="Networks your services are checked from. An agent runs the checks of its location and reports over one outbound connection." />
    ${created && html`<${NewToken} created=${created} onDismiss=${() => setCreated(null)} />`}
    ${dialog}
    <${ErrorBanner} error=${error} />
    ${list === null ? (error ? null : html`<${Loading} />`) : list.length === 0
      ? html`<${EmptyState} title="No locations">Add one below and start an agent in that network.<//>`
      : list.map((l) => html`<${LocationCard} key=${l.id} loc=${l} org=${org} profile=${profile} onCreated=${setCreated} confirm=${confirm} reload=${load} />`)}
    ${admin && html`<${NewLocation} profile=${profile} onDone=${load} />`}`;
}
