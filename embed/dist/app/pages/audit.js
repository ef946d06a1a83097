// Audit log: who did what, filterable by event and resource type.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { PageHeader, Table, EmptyState, useResource, Resource, fmtTime } from '../ui.js';
import { t } from '../i18n.js';
import { Retention, Streams } from './audit-streams.js';

// actorName names who acted: a person by name (e-mail beneath), an API key or the system —
// never by ID.
function actorName(actor) {
  if (actor.type === 'user') return html`${actor.name || actor.email || t('members.former_member')}${actor.name && actor.email ? html`<div class="muted">${actor.email}</div>` : ''}`;
  if (actor.type === 'api_key') return actor.email ? t('audit.api_key_of', { email: actor.email }) : t('audit.api_key');
  return actor.type === 'system' ? t('audit.system') : actor.type;
}

// resourceName names what was changed by its name; the ID only when it has none.
function resourceName(r) {
  return html`${r.type}${r.name ? html` <strong>${r.name}</strong>` : r.id ? html` <code title=${r.id}>${r.id.slice(0, 8)}</code>` : ''}`;
}

export function AuditLog() {
  const [event, setEvent] = useState('');
  const [resource, setResource] = useState('');
  const [applied, setApplied] = useState({ event: '', resource: '' });
  const res = useResource(() => {
    const q = new URLSearchParams({ limit: '200' });
    if (applied.event) q.set('event', applied.event);
    if (applied.resource) q.set('resource_type', applied.resource);
    return api.get('/audit-logs?' + q);
  }, [applied.event, applied.resource]);
  return html`<${PageHeader} title=${t('audit.title')} subtitle=${t('audit.subtitle')} />
    <${Retention} />
    <form class="toolbar" role="search" onSubmit=${(e) => { e.preventDefault(); setApplied({ event, resource }); }}>
      <div class="field"><label for="audit-event">${t('audit.event')}</label><input id="audit-event" placeholder=${t('audit.event_placeholder')} value=${event} onInput=${(e) => setEvent(e.target.value)} /></div>
      <div class="field"><label for="audit-res">${t('audit.resource_type')}</label><input id="audit-res" placeholder=${t('audit.resource_placeholder')} value=${resource} onInput=${(e) => setResource(e.target.value)} /></div>
      <button type="submit" class="btn">${t('audit.filter')}</button>
    </form>
    <${Resource} res=${res}>${(list) => list.length === 0 ? html`<${EmptyState} title=${t('audit.empty_title')}>${t('audit.empty_text')}<//>`
      : html`<${Table} caption=${t('audit.title')} rows=${list} columns=${[
        { label: t('heartbeats.when'), render: (a) => fmtTime(a.timestamp) }, { label: t('audit.event'), render: (a) => html`<code>${a.event}</code>` },
        { label: t('audit.actor'), render: (a) => actorName(a.actor) }, { label: t('audit.resource'), render: (a) => resourceName(a.resource) },
        { label: 'IP', render: (a) => a.actor.ip }]} />`}<//>
    <${Streams} />`;
}
