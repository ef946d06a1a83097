// Probe locations (SPEC §8): every location the organization may use with its status
// and agents; admins add and delete the organization's own locations and make or
// revoke agent tokens, the instance admin does the same for instance locations. A new
// token is shown once, inside ready-to-paste docker and binary command lines.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { usePoll } from '../poll.js';
import { Field, Button, ErrorBanner, Banner, PageHeader, Table, EmptyState, StatusBadge, CopyButton, Loading, useForm, useConfirm, toast, fmtTime, fmtAgo } from '../ui.js';
import { t } from '../i18n.js';

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
  return html`<div class="snippet"><div class="row"><strong>${title}</strong><${CopyButton} text=${text} label=${t('locations.copy', { what: title })} /></div><pre data-command=${title}>${text}</pre></div>`;
}

// NewToken shows a token once, in the command lines that use it.
function NewToken({ created, onDismiss }) {
  const cmd = agentCommands(created.server_url || location.origin, created.token);
  return html`<${Banner} kind="success" onDismiss=${onDismiss}><div class="new-token">
    <p>${t('locations.token_created', { name: created.name, location: created.locationName })}</p>
    <div class="secret"><code data-secret>${created.token}</code><${CopyButton} text=${created.token} label=${t('locations.copy_token')} /></div>
    <${Snippet} title="docker run" text=${cmd.docker} />
    <${Snippet} title="binary" text=${cmd.binary} />
  </div><//>`;
}

function AgentsTable({ loc }) {
  if (loc.builtin) return html`<p class="muted">${t('locations.builtin_agents')}</p>`;
  if (loc.agents.length === 0) return html`<p class="muted">${t('locations.no_agents')}</p>`;
  return html`<${Table} caption=${t('locations.agents_of', { name: loc.name })} rows=${loc.agents} columns=${[
    { label: t('locations.col.agent'), key: 'name' },
    { label: t('locations.col.connection'), render: (a) => (a.connected ? t('locations.connected') : t('locations.disconnected')) },
    { label: t('locations.col.version'), render: (a) => html`<code>${a.version || '—'}</code>` },
    { label: t('locations.col.last_seen'), render: (a) => html`<span title=${fmtTime(a.last_seen_at)}>${fmtAgo(a.last_seen_at)}</span>` },
    { label: t('locations.col.remote'), render: (a) => html`<code>${a.remote_addr}</code>` }]} />`;
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
    const tok = await f.submit((v) => api.post(basePath(loc) + '/tokens', v.name ? { name: v.name } : {}));
    if (tok) { onCreated({ ...tok, locationName: loc.name }); f.setValues({ name: '' }); load(); }
  }
  return html`<div class="tokens">
    <h3>${t('locations.tokens')}</h3>
    <${ErrorBanner} error=${error} />
    ${list === null ? html`<${Loading} />` : list.length === 0 ? html`<p class="muted">${t('locations.no_tokens')}</p>`
      : html`<${Table} caption=${t('locations.tokens_of', { name: loc.name })} rows=${list} columns=${[
        { label: t('common.name'), key: 'name' }, { label: t('locations.col.prefix'), render: (x) => html`<code>${x.prefix}…</code>` },
        { label: t('locations.col.created'), render: (x) => fmtTime(x.created_at) }, { label: t('locations.col.last_used'), render: (x) => fmtAgo(x.last_used_at) },
        { label: t('common.actions'), render: (x) => html`<${Button} kind="danger" aria-label=${t('locations.revoke_label', { token: x.name, name: loc.name })} onClick=${() => confirm(async () => { await api.del(basePath(loc) + '/tokens/' + x.id); toast(t('locations.revoked')); load(); },
          { title: t('locations.revoke_title'), body: t('locations.revoke_body', { token: x.name }), label: t('locations.revoke'), danger: true })}>${t('locations.revoke')}<//>` }]} />`}
    <form class="form form-inline" onSubmit=${onSubmit} novalidate aria-label=${t('locations.new_token_for', { name: loc.name })}>
      <${ErrorBanner} error=${f.error} shownFields=${['name']} />
      <${Field} label=${t('locations.token_name')} name=${'token-name-' + loc.name} placeholder=${t('locations.token_placeholder')} value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
      <${Button} type="submit" busy=${f.busy} aria-label=${t('locations.create_token_label', { name: loc.name })}>${t('locations.create_token')}<//>
    </form>
  </div>`;
}

function LocationCard({ loc, org, profile, onCreated, confirm, reload }) {
  const manage = canManage(loc, org, profile);
  const scope = loc.builtin ? t('locations.scope.builtin') : loc.scope === 'instance' ? t('locations.scope.instance') : t('locations.scope.organization');
  return html`<section class="card location" aria-labelledby=${'loc-' + loc.id} data-location=${loc.name}>
    <div class="row">
      <h2 id=${'loc-' + loc.id}>${loc.display_name || loc.name}${loc.display_name && loc.display_name !== loc.name && html` <code class="muted">${loc.name}</code>`}</h2>
      <${StatusBadge} status=${loc.status} />
    </div>
    <p class="muted">${scope}${loc.created_at ? ' · ' + t('locations.created_at', { at: fmtTime(loc.created_at) }) : ''}${!loc.builtin && !manage ? ' · ' + t('locations.read_only') : ''}</p>
    <${AgentsTable} loc=${loc} />
    ${manage && html`<${Tokens} loc=${loc} onCreated=${onCreated} confirm=${confirm} />
      <div class="form-actions"><${Button} kind="danger" aria-label=${t('locations.delete_label', { name: loc.name })} onClick=${() => confirm(async () => { await api.del(basePath(loc)); toast(t('locations.deleted')); reload(); },
        { title: t('locations.delete_title', { name: loc.name }), body: t('locations.delete_body'), label: t('common.delete'), danger: true })}>${t('locations.delete')}<//></div>`}
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
    if (await f.submit(() => api.post(path, body))) { toast(t('locations.added')); f.setValues({ name: '', display_name: '', scope: f.values.scope }); onDone(); }
  }
  return html`<form class="card form" onSubmit=${onSubmit} novalidate>
    <h2>${t('locations.new_title')}</h2>
    <${ErrorBanner} error=${f.error} shownFields=${['name', 'display_name']} />
    <${Field} label=${t('common.name')} name="name" hint=${t('locations.name_hint')} value=${f.values.name} onInput=${f.set('name')} error=${f.fieldError('name')} />
    <${Field} label=${t('locations.display_name')} name="display_name" value=${f.values.display_name} onInput=${f.set('display_name')} error=${f.fieldError('display_name')} />
    ${profile.is_instance_admin && html`<${Field} label=${t('locations.serves')} name="scope" as="select" value=${f.values.scope} onInput=${f.set('scope')}
      options=${[{ value: 'organization', label: t('locations.serves_org') }, { value: 'instance', label: t('locations.serves_instance') }]} />`}
    <${Button} kind="primary" type="submit" busy=${f.busy}>${t('locations.add')}<//>
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
  return html`<${PageHeader} title=${t('locations.title')} subtitle=${t('locations.subtitle')} />
    ${created && html`<${NewToken} created=${created} onDismiss=${() => setCreated(null)} />`}
    ${dialog}
    <${ErrorBanner} error=${error} />
    ${list === null ? (error ? null : html`<${Loading} />`) : list.length === 0
      ? html`<${EmptyState} title=${t('locations.empty_title')}>${t('locations.empty_body')}<//>`
      : list.map((l) => html`<${LocationCard} key=${l.id} loc=${l} org=${org} profile=${profile} onCreated=${setCreated} confirm=${confirm} reload=${load} />`)}
    ${admin && html`<${NewLocation} profile=${profile} onDone=${load} />`}`;
}
