// Audit log: who did what, filterable by event and resource type.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { PageHeader, Table, EmptyState, useResource, Resource, fmtTime } from '../ui.js';

// actorName names who acted: a person by name (e-mail beneath), an API key or the system —
// never by ID.
function actorName(actor) {
  if (actor.type === 'user') return html`${actor.name || actor.email || 'a former member'}${actor.name && actor.email ? html`<div class="muted">${actor.email}</div>` : ''}`;
  if (actor.type === 'api_key') return `API key${actor.email ? ' of ' + actor.email : ''}`;
  return actor.type === 'system' ? 'System' : actor.type;
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
  return html`<${PageHeader} title="Audit log" subtitle="Every change made in this organization, newest first." />
    <form class="toolbar" role="search" onSubmit=${(e) => { e.preventDefault(); setApplied({ event, resource }); }}>
      <div class="field"><label for="audit-event">Event</label><input id="audit-event" placeholder="e.g. service.created" value=${event} onInput=${(e) => setEvent(e.target.value)} /></div>
      <div class="field"><label for="audit-res">Resource type</label><input id="audit-res" placeholder="e.g. service" value=${resource} onInput=${(e) => setResource(e.target.value)} /></div>
      <button type="submit" class="btn">Filter</button>
    </form>
    <${Resource} res=${res}>${(list) => list.length === 0 ? html`<${EmptyState} title="Nothing logged">No entries match. Clear the filters to see everything.<//>`
      : html`<${Table} caption="Audit log" rows=${list} columns=${[
        { label: 'When', render: (a) => fmtTime(a.timestamp) }, { label: 'Event', render: (a) => html`<code>${a.event}</code>` },
        { label: 'Actor', render: (a) => actorName(a.actor) }, { label: 'Resource', render: (a) => resourceName(a.resource) },
        { label: 'IP', render: (a) => a.actor.ip }]} />`}<//>`;
}
